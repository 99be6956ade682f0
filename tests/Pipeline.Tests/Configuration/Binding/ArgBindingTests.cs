using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Tests.Configuration.Registry;
using static Pipeline.Tests.Configuration.Registry.TestComponents;

namespace Pipeline.Tests.Configuration.Binding;

/// <summary>How args bind to constructor parameters: names, loose forms, defaults, and the paths of problems.</summary>
public sealed class ArgBindingTests
{
    private ServiceProvider _services = null!;
    private ComponentFactory _factory = null!;
    private ConfigProblems _problems = null!;

    [SetUp]
    public void SetUp()
    {
        _services = BuildServices();
        _factory = _services.GetRequiredService<ComponentFactory>();
        _problems = new ConfigProblems();
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    private FakeTypedTransform? Typed(string args) =>
        (FakeTypedTransform?)_factory.Create(Spec(ComponentKind.Transform, "FakeTypedTransform", args), _problems);

    private string Messages => string.Join(Environment.NewLine, _problems.Items);

    [Test]
    public void DefaultsApplyWhenArgsAreOmitted()
    {
        var t = Typed("""{"fields": ["image"], "size": 4}""");
        Assert.That(_problems.Items, Is.Empty, Messages);
        Assert.That(t!.Size, Is.EqualTo(4));
        Assert.That(t.Scale, Is.EqualTo(1.5));
        Assert.That(t.Enabled, Is.True);
        Assert.That(t.Mode, Is.EqualTo(FakeMode.Linear));
        Assert.That(t.RoiSize, Is.Null);
        Assert.That(t.Seed, Is.Null);
    }

    [Test]
    public void FieldsAcceptAStringOrAList()
    {
        Assert.That(Typed("""{"fields": "image", "size": 1}""")!.Fields, Is.EqualTo(new[] { "image" }));
        Assert.That(Typed("""{"fields": ["image", "label"], "size": 1}""")!.Fields, Is.EqualTo(new[] { "image", "label" }));
        Assert.That(Typed("""{"fields": "image", "size": 1, "keys": "a"}""")!.Keys, Is.EqualTo(new[] { "a" }));
        Assert.That(_problems.Items, Is.Empty, Messages);
    }

    [Test]
    public void AScalarOfTheWrongTypeForAListIsReportedAsTheList()
    {
        Typed("""{"fields": 7, "size": 1}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].args.fields"));
        Assert.That(problem.Message, Is.EqualTo("found number 7; accepted: list of strings"));
    }

    [Test]
    public void NumericListsAcceptCommaSeparatedStrings()
    {
        var t = Typed("""{"fields": "image", "size": 1, "roi_size": "32,64,64,64", "weights": "[0.5, 1]", "pixdim": "1.0, 1.0, 2.5"}""");
        Assert.That(_problems.Items, Is.Empty, Messages);
        Assert.That(t!.RoiSize, Is.EqualTo(new long[] { 32, 64, 64, 64 }));
        Assert.That(t.Weights, Is.EqualTo(new[] { 0.5f, 1f }));
        Assert.That(t.Pixdim, Is.EqualTo(new[] { 1.0, 1.0, 2.5 }));
    }

    [Test]
    public void ASingleNumberIsAOneElementList()
    {
        var t = Typed("""{"fields": "image", "size": 1, "roi_size": 96}""");
        Assert.That(_problems.Items, Is.Empty, Messages);
        Assert.That(t!.RoiSize, Is.EqualTo(new long[] { 96 }));
    }

    [Test]
    public void NumbersConvertLooselyButNotLossily()
    {
        var t = Typed("""{"fields": "image", "size": 3.0, "scale": 2, "seed": "42"}""");
        Assert.That(_problems.Items, Is.Empty, Messages);
        Assert.That(t!.Size, Is.EqualTo(3));
        Assert.That(t.Scale, Is.EqualTo(2.0));
        Assert.That(t.Seed, Is.EqualTo(42));

        Assert.That(Typed("""{"fields": "image", "size": 1.5}"""), Is.Null);
        Assert.That(_problems.Items.Single().JsonPath, Is.EqualTo("train.pre_transforms[0].args.size"));
        Assert.That(_problems.Items.Single().Message, Is.EqualTo("found number 1.5; accepted: integer"));
    }

    [Test]
    public void IntegersOutOfRangeAreRejected()
    {
        Typed("""{"fields": "image", "size": 3000000000}""");
        Assert.That(_problems.Items.Single().Message, Is.EqualTo("found number 3000000000; accepted: integer from -2147483648 to 2147483647"));
    }

    [Test]
    public void BooleansAreTrueOrFalseOnly()
    {
        Assert.That(Typed("""{"fields": "image", "size": 1, "enabled": false}""")!.Enabled, Is.False);
        Assert.That(Typed("""{"fields": "image", "size": 1, "enabled": "false"}""")!.Enabled, Is.False);
        Assert.That(_problems.Items, Is.Empty, Messages);
        Assert.That(Typed("""{"fields": "image", "size": 1, "enabled": 0}"""), Is.Null);
        Assert.That(_problems.Items.Single().Message, Is.EqualTo("found number 0; accepted: boolean (true or false)"));
    }

    [TestCase("nearest_neighbor")]
    [TestCase("NearestNeighbor")]
    [TestCase("NEAREST_NEIGHBOR")]
    public void EnumsAcceptSnakeOrPascalCase(string text)
    {
        var t = Typed($$"""{"fields": "image", "size": 1, "mode": "{{text}}"}""");
        Assert.That(_problems.Items, Is.Empty, Messages);
        Assert.That(t!.Mode, Is.EqualTo(FakeMode.NearestNeighbor));
    }

    [Test]
    public void UnknownEnumValueListsAcceptedValues()
    {
        Typed("""{"fields": "image", "size": 1, "mode": "cubic"}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].args.mode"));
        Assert.That(problem.Message, Is.EqualTo("found string \"cubic\"; accepted: one of nearest_neighbor, linear"));
    }

    [Test]
    public void NullIsAcceptedOnlyForNullableParameters()
    {
        Assert.That(Typed("""{"fields": "image", "size": 1, "seed": null, "note": null}""")!.Seed, Is.Null);
        Assert.That(_problems.Items, Is.Empty, Messages);
        Typed("""{"fields": "image", "size": null}""");
        Assert.That(_problems.Items.Single().Message, Is.EqualTo("found null; accepted: integer"));
    }

    [Test]
    public void JsonArgsArePassedThroughAsCopies()
    {
        var spec = Spec(ComponentKind.Transform, "FakeTypedTransform", """{"fields": "image", "size": 1, "extra": {"a": [1, 2]}}""");
        var t = (FakeTypedTransform?)_factory.Create(spec, _problems);
        Assert.That(t!.Extra!["a"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(t.Extra, Is.Not.SameAs(spec.Args["extra"]));
        Typed("""{"fields": "image", "size": 1, "extra": [1]}""");
        Assert.That(_problems.Items.Single().Message, Is.EqualTo("found a list; accepted: JSON object or null"));
    }

    [Test]
    public void MapsBindFromObjects()
    {
        var t = Typed("""{"fields": "image", "size": 1, "labels": {"liver": 1, "tumor": "2"}}""");
        Assert.That(t!.Labels, Is.EqualTo(new Dictionary<string, int> { ["liver"] = 1, ["tumor"] = 2 }));
        Typed("""{"fields": "image", "size": 1, "labels": {"liver": "x"}}""");
        Assert.That(_problems.Items.Single().JsonPath, Is.EqualTo("train.pre_transforms[0].args.labels.liver"));
    }

    [Test]
    public void ArgAliasesBind()
    {
        Assert.That(Typed("""{"fields": "image", "size": 1, "use_group_normG": true}""")!.GroupNorm, Is.True);
        Assert.That(_problems.Items, Is.Empty, Messages);
        Typed("""{"fields": "image", "size": 1, "use_group_normG": true, "group_norm": false}""");
        Assert.That(_problems.Items.Single().Message, Does.Contain("given twice"));
    }

    [Test]
    public void UnknownArgIsReportedAtItsPathWithSuggestionAndAcceptedArgs()
    {
        Typed("""{"fields": "image", "size": 1, "scael": 2}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].args.scael"));
        Assert.That(problem.Message, Does.StartWith("FakeTypedTransform has no arg 'scael'; did you mean scale?; accepted: fields, size, scale,"));
    }

    [Test]
    public void CommentArgsAreIgnored()
    {
        Typed("""{"fields": "image", "size": 1, "_comment": "why size is 1"}""");
        Assert.That(_problems.Items, Is.Empty, Messages);
    }

    [Test]
    public void MissingRequiredArgIsReportedAtArgs()
    {
        Typed("""{"fields": "image"}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].args"));
        Assert.That(problem.Message, Is.EqualTo("FakeTypedTransform needs arg 'size' (integer)"));
    }

    [Test]
    public void WrongElementTypeIsReportedAtTheElement()
    {
        Typed("""{"fields": ["image", 3], "size": 1}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].args.fields[1]"));
        Assert.That(problem.Message, Is.EqualTo("found number 3; accepted: string"));
    }

    [Test]
    public void WrongTypeSaysWhatWasFoundAndWhatIsAccepted()
    {
        Typed("""{"fields": "image", "size": 1, "roi_size": {"x": 1}}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].args.roi_size"));
        Assert.That(problem.Message, Does.StartWith("found an object; accepted: list of integers (or a comma-separated string such as \"32,64\")"));
    }

    [Test]
    public void BadNumberInACommaSeparatedStringIsReported()
    {
        Typed("""{"fields": "image", "size": 1, "roi_size": "32,6x4"}""");
        Assert.That(_problems.Items.Single().Message, Does.StartWith("element 1 (\"6x4\") of \"32,6x4\" is not an integer"));
    }

    [Test]
    public void AllProblemsOfASpecAreCollectedInOnePass()
    {
        Typed("""{"fields": 7, "scale": "big", "mode": "cubic", "bogus": 1}""");
        Assert.That(_problems.Items.Select(p => p.JsonPath), Is.EquivalentTo(new[]
        {
            "train.pre_transforms[0].args.bogus",
            "train.pre_transforms[0].args.fields",
            "train.pre_transforms[0].args.scale",
            "train.pre_transforms[0].args.mode",
            "train.pre_transforms[0].args",
        }), Messages);
        Assert.That(_problems.ErrorCount, Is.EqualTo(5));
    }

    [Test]
    public void BindChecksWithoutConstructing()
    {
        var bound = _factory.Bind(Spec(ComponentKind.Inferer, "FakeScanWindowInferer", """{"roi_size": [0, 8]}""", "validate.inferer"), _problems);
        Assert.That(bound, Is.Not.Null);
        Assert.That(bound!.Arguments[0], Is.EqualTo(new[] { 0, 8 }));
        Assert.That(_problems.Items, Is.Empty);
    }

    [Test]
    public void JsonNodesBuiltInCodeBindLikeParsedOnes()
    {
        var spec = Spec(ComponentKind.Transform, "FakeTypedTransform") with
        {
            Args = new JsonObject { ["fields"] = "image", ["size"] = 2, ["scale"] = 0.25f, ["roi_size"] = new JsonArray(1, 2L) },
        };
        var t = (FakeTypedTransform?)_factory.Create(spec, _problems);
        Assert.That(_problems.Items, Is.Empty, Messages);
        Assert.That(t!.Size, Is.EqualTo(2));
        Assert.That(t.Scale, Is.EqualTo(0.25));
        Assert.That(t.RoiSize, Is.EqualTo(new long[] { 1, 2 }));
    }
}
