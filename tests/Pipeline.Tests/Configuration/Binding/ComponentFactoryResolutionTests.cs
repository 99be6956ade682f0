using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Tests.Configuration.Registry;
using static Pipeline.Tests.Configuration.Registry.TestComponents;

namespace Pipeline.Tests.Configuration.Binding;

/// <summary>How the factory finds the class a spec names, and what it says when it cannot.</summary>
public sealed class ComponentFactoryResolutionTests
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

    [Test]
    public void AliasAndPrimaryNameCreateTheSameClass()
    {
        var a = _factory.Create(Spec(ComponentKind.Inferer, "FakeScanWindowInferer", """{"roi_size": [8, 8]}""", "validate.inferer"), _problems);
        var b = _factory.Create(Spec(ComponentKind.Inferer, "TFFakeScanWindowInferer", """{"roi_size": [8, 8]}""", "validate.inferer"), _problems);
        Assert.That(_problems.Items, Is.Empty);
        Assert.That(a, Is.InstanceOf<FakeScanWindowInferer>());
        Assert.That(b, Is.InstanceOf<FakeScanWindowInferer>());
    }

    [Test]
    public void PathSelectsTheClassByFullName()
    {
        var spec = Spec(ComponentKind.Metric, name: "MyDice", path: typeof(FakeDice).FullName, jsonPath: "validate.metrics[0]");
        Assert.That(_factory.Create(spec, _problems), Is.InstanceOf<FakeDice>());
        Assert.That(_problems.Items, Is.Empty);
    }

    [Test]
    public void FullyQualifiedNameFallsBackToTheShortName()
    {
        var spec = Spec(ComponentKind.Metric, "ai4med.components.metric.FakeDice", jsonPath: "validate.metrics[0]");
        Assert.That(_factory.Create(spec, _problems), Is.InstanceOf<FakeDice>());
    }

    [Test]
    public void UnknownNameIsReportedAtNameWithASuggestion()
    {
        var result = _factory.Create(Spec(ComponentKind.Transform, "FakeTypedTransfrom", """{"fields": "image", "size": 3}"""), _problems);
        Assert.That(result, Is.Null);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].name"));
        Assert.That(problem.File, Is.EqualTo("config_train.json"));
        Assert.That(problem.Message, Is.EqualTo("unknown transform 'FakeTypedTransfrom'; did you mean FakeTypedTransform?"));
    }

    [Test]
    public void UnknownPathIsReportedAtPathWithASuggestion()
    {
        var path = typeof(FakeDice).FullName!.Replace("FakeDice", "FakeDise");
        _factory.Create(Spec(ComponentKind.Metric, null, path: path, jsonPath: "validate.metrics[1]"), _problems);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("validate.metrics[1].path"));
        Assert.That(problem.Message, Does.Contain($"did you mean {typeof(FakeDice).FullName}?"));
    }

    [Test]
    public void NameOfAnotherKindSaysWhereItBelongs()
    {
        _factory.Create(Spec(ComponentKind.Transform, "FakeDice"), _problems);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].name"));
        Assert.That(problem.Message, Does.StartWith("'FakeDice' is a metric, not a transform; it belongs in"));
    }

    [Test]
    public void PathOfAnotherKindSaysWhereItBelongs()
    {
        _factory.Create(Spec(ComponentKind.Transform, null, path: typeof(FakeDice).FullName), _problems);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0].path"));
        Assert.That(problem.Message, Does.Contain("is a metric, not a transform"));
    }

    [Test]
    public void CaseSlipIsAcceptedWithAWarning()
    {
        var result = _factory.Create(Spec(ComponentKind.Metric, "fakedice", jsonPath: "validate.metrics[0]"), _problems);
        Assert.That(result, Is.InstanceOf<FakeDice>());
        var problem = _problems.Items.Single();
        Assert.That(problem.IsWarning, Is.True);
        Assert.That(problem.JsonPath, Is.EqualTo("validate.metrics[0].name"));
        Assert.That(problem.Message, Does.Contain("write FakeDice"));
    }

    [Test]
    public void SpecWithoutNameOrPathIsAnError()
    {
        _factory.Create(Spec(ComponentKind.Transform, null), _problems);
        Assert.That(_problems.Items.Single().JsonPath, Is.EqualTo("train.pre_transforms[0]"));
    }

    [Test]
    public void GenericCreateChecksTheContract()
    {
        var spec = Spec(ComponentKind.Metric, "FakeDice", jsonPath: "validate.metrics[0]");
        Assert.That(_factory.Create<ITransform>(spec, _problems), Is.Null);
        Assert.That(_problems.Items.Single().Message, Does.Contain("does not implement ITransform"));
    }

    [Test]
    public void CreateAllSkipsDisabledSpecs()
    {
        var specs = new[]
        {
            Spec(ComponentKind.Transform, "FakeTypedTransform", """{"fields": "image", "size": 1}"""),
            Spec(ComponentKind.Transform, "NoSuchTransform") with { Disabled = true },
        };
        var created = _factory.CreateAll<ITransform>(specs, _problems);
        Assert.That(created, Has.Count.EqualTo(1));
        Assert.That(_problems.Items, Is.Empty);
    }
}
