using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Components;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class ComponentSpecTests
{
    [Test]
    public void SpecsCarryKindFileAndPath()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load();

        var scale = config.Components("train.pre_transforms")[3];
        Assert.That(scale.Kind, Is.EqualTo(ComponentKind.Transform));
        Assert.That(scale.Name, Is.EqualTo("ScaleIntensityRange"));
        Assert.That(scale.File, Is.EqualTo(mmar.ConfigPath));
        Assert.That(scale.JsonPath, Is.EqualTo("train.pre_transforms[3]"));
        Assert.That(config.Component("train.loss")!.Kind, Is.EqualTo(ComponentKind.Loss));
        Assert.That(config.Component("validate.inferer")!.Kind, Is.EqualTo(ComponentKind.Inferer));
        Assert.That(config.Components("validate.metrics").Single().Kind, Is.EqualTo(ComponentKind.Metric));
        Assert.That(config.Section("train.pre_transforms")!.IsList, Is.True);
        Assert.That(config.Sections.Select(s => s.JsonPath), Is.EqualTo(new[]
        {
            "train.loss", "train.optimizer", "train.model", "train.pre_transforms", "train.image_pipeline",
            "validate.metrics", "validate.pre_transforms", "validate.image_pipeline", "validate.inferer",
        }));
    }

    [Test]
    public void NameWithAliasSplits()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load();
        var scaleImg = config.Components("train.pre_transforms")[1];
        Assert.That(scaleImg.Name, Is.EqualTo("ScaleByResolution"));
        Assert.That(scaleImg.Alias, Is.EqualTo("ScaleImg"));
        Assert.That(scaleImg.ReferenceKey, Is.EqualTo("ScaleImg"));
    }

    [Test]
    public void RefByAliasAndByClassNameCopiesClassAndArgs()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load();
        var validate = config.Components("validate.pre_transforms");

        Assert.That(validate[0].Name, Is.EqualTo("LoadNifti"));
        Assert.That(validate[0].Args.ToJsonString(), Is.EqualTo("""{"fields":["image","label"]}"""));
        Assert.That(validate[2].Name, Is.EqualTo("ScaleByResolution"));
        Assert.That(validate[2].Args["is_label"]!.GetValue<bool>(), Is.True, "ScaleLb, not ScaleImg");
        Assert.That(validate[2].JsonPath, Is.EqualTo("validate.pre_transforms[2]"));
        Assert.That(validate[3].Args["a_min"]!.GetValue<int>(), Is.EqualTo(-57));
    }

    [Test]
    public void RefIsADeepCopy()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load();
        var original = config.Components("train.pre_transforms")[0];
        var copy = config.Components("validate.pre_transforms")[0];

        copy.Args["fields"]!.AsArray().Add("extra");
        copy.Args["new_arg"] = 1;

        Assert.That(original.Args.ToJsonString(), Is.EqualTo("""{"fields":["image","label"]}"""));
    }

    [Test]
    public void RefArgsMergeOverTheReferencedArgs()
    {
        using var mmar = new TempMmar();
        mmar.Train["validate"]!["pre_transforms"]![3] = JsonNode.Parse("""{"ref": "ScaleIntensityRange", "args": {"clip": false}}""");

        var config = mmar.Load();

        var merged = config.Components("validate.pre_transforms")[3].Args;
        Assert.That(merged["clip"]!.GetValue<bool>(), Is.False);
        Assert.That(merged["a_max"]!.GetValue<int>(), Is.EqualTo(164));
        Assert.That(config.Components("train.pre_transforms")[3].Args["clip"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void UnresolvedRefIsAnErrorWithSuggestion()
    {
        using var mmar = new TempMmar();
        mmar.Train["validate"]!["pre_transforms"]![1] = JsonNode.Parse("""{"ref": "ScaleIgm"}""");

        var result = mmar.Read();

        var problem = result.Problems.At("validate.pre_transforms[1].ref");
        Assert.That(problem.IsWarning, Is.False);
        Assert.That(problem.Message, Does.Contain("did you mean ScaleImg?"));
    }

    [Test]
    public void RefToAClassDefinedOnlyWithAliasesNamesTheAliases()
    {
        using var mmar = new TempMmar();
        mmar.Train["validate"]!["pre_transforms"]![1] = JsonNode.Parse("""{"ref": "ScaleByResolution"}""");

        var problem = mmar.Read().Problems.At("validate.pre_transforms[1].ref");

        Assert.That(problem.Message, Does.Contain("ScaleImg, ScaleLb"));
    }

    [Test]
    public void RefToALaterComponentSaysSo()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]!.AsArray().Insert(0, JsonNode.Parse("""{"ref": "ScaleIntensityRange"}"""));

        var problem = mmar.Read().Problems.At("train.pre_transforms[0].ref");

        Assert.That(problem.Message, Does.Contain("train.pre_transforms[4]").And.Contain("comes later"));
    }

    [Test]
    public void RefToADuplicatedNameIsAmbiguous()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]!.AsArray().Add(JsonNode.Parse("""{"name": "ScaleIntensityRange", "args": {"fields": "image"}}"""));

        var problem = mmar.Read().Problems.At("validate.pre_transforms[3].ref");

        Assert.That(problem.Message, Does.Contain("ambiguous").And.Contain("train.pre_transforms[3] and train.pre_transforms[4]"));
    }

    [Test]
    public void DuplicatedNameThatIsNeverReferencedIsFine()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]!.AsArray().Add(JsonNode.Parse("""{"name": "LoadNifti"}"""));
        mmar.Train["validate"]!["pre_transforms"]![0] = JsonNode.Parse("""{"name": "LoadNifti", "args": {"fields": "image"}}""");

        var config = mmar.Load();

        Assert.That(config.Problems.Items, Is.Empty);
    }

    [Test]
    public void DuplicateAliasIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]![2]!["name"] = "ScaleByResolution#ScaleImg";

        var problem = mmar.Read().Problems.At("train.pre_transforms[2].name");

        Assert.That(problem.Message, Does.Contain("train.pre_transforms[1]"));
    }

    [Test]
    public void RefToTheWrongKindIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.Train["validate"]!["inferer"] = JsonNode.Parse("""{"ref": "LoadNifti"}""");

        var problem = mmar.Read().Problems.At("validate.inferer.ref");

        Assert.That(problem.Message, Does.Contain("points to a transform (train.pre_transforms[0])").And.Contain("needs an inferer"));
    }

    [Test]
    public void DisabledComponentsAreKeptAndFlagged()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]![3]!["disabled"] = true;

        var config = mmar.Load();

        var train = config.Section("train.pre_transforms")!;
        Assert.That(train.Specs, Has.Count.EqualTo(4));
        Assert.That(train.Specs[3].Disabled, Is.True);
        Assert.That(train.Enabled.Count(), Is.EqualTo(3));
        Assert.That(config.Components("validate.pre_transforms")[3].Disabled, Is.True, "a copy of a disabled component is disabled");
    }

    [Test]
    public void DisabledOnARefOverridesTheCopiedFlag()
    {
        using var mmar = new TempMmar();
        mmar.Train["validate"]!["pre_transforms"]![3]!["disabled"] = true;

        var config = mmar.Load();

        Assert.That(config.Components("validate.pre_transforms")[3].Disabled, Is.True);
        Assert.That(config.Components("train.pre_transforms")[3].Disabled, Is.False);
    }

    [Test]
    public void PathSelectsTheClassAndNameIsTheReferableName()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]![0] = JsonNode.Parse("""{"name": "MyNumpyLoader", "path": "MyPlugin.NumpyLoader", "args": {"fields": "image"}}""");
        mmar.Train["train"]!["pre_transforms"]!.AsArray().Add(JsonNode.Parse("""{"path": "MyPlugin.AddNoise"}"""));
        mmar.Train["validate"]!["pre_transforms"]![0] = JsonNode.Parse("""{"ref": "MyNumpyLoader"}""");

        var config = mmar.Load();

        var loader = config.Components("validate.pre_transforms")[0];
        Assert.That(loader.Path, Is.EqualTo("MyPlugin.NumpyLoader"));
        Assert.That(loader.Name, Is.EqualTo("MyNumpyLoader"));
        Assert.That(loader.DisplayName, Is.EqualTo("MyPlugin.NumpyLoader"));
        var noise = config.Components("train.pre_transforms")[4];
        Assert.That(noise.Name, Is.Null);
        Assert.That(noise.ReferenceKey, Is.EqualTo("MyPlugin.AddNoise"));
    }

    [Test]
    public void RefToAComponentWithErrorsIsNotReportedTwice()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]![0]!["args"] = "fields=image";

        var result = mmar.Read();

        Assert.That(result.Problems.Errors().Select(p => p.JsonPath), Is.EqualTo(new[] { "train.pre_transforms[0].args" }));
    }
}
