using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration.Documents;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class ConfigStructureTests
{
    [Test]
    public void UnknownTopLevelKeyIsAWarningWithASuggestion()
    {
        using var mmar = new TempMmar();
        mmar.Train["num_training_epochs_per_valid"] = 5;

        var result = mmar.Read();

        Assert.That(result.Succeeded, Is.True);
        var problem = result.Problems.At("num_training_epochs_per_valid");
        Assert.That(problem.IsWarning, Is.True);
        Assert.That(problem.Message, Does.Contain("ignored, as Clara did").And.Contain("did you mean num_training_epoch_per_valid?"));
    }

    [Test]
    public void CommentKeysAreSilentlyIgnoredEverywhere()
    {
        using var mmar = new TempMmar();
        mmar.Train["_comment"] = "spleen";
        mmar.Train["__model"] = JsonNode.Parse("""{"name": "Unet"}""");
        mmar.Train["train"]!["_note"] = "x";
        mmar.Train["validate"]!["_disabled_metrics"] = new JsonArray();
        mmar.Train["train"]!["pre_transforms"]![0]!["_why"] = "load";
        mmar.Environment["_comment"] = "paths";

        var config = mmar.Load();

        Assert.That(config.Problems.Items, Is.Empty);
        Assert.That(config.Variables.Contains("_comment"), Is.False);
    }

    [Test]
    public void UnknownKeyInsideTrainIsAWarningWithASuggestion()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transform"] = new JsonArray();
        mmar.Train["train"]!["lr_scheduler"] = JsonNode.Parse("""{"name": "StepLR"}""");

        var result = mmar.Read();

        Assert.That(result.Problems.At("train.pre_transform").Message, Does.Contain("did you mean pre_transforms?"));
        Assert.That(result.Problems.At("train.lr_scheduler").Message, Does.Contain("Clara 4").And.Contain("lr_policy"));
        Assert.That(result.Problems.Errors(), Is.Empty);
    }

    [Test]
    public void AutoMlKeysAreWarnedAboutAndIgnored()
    {
        using var mmar = new TempMmar();
        mmar.Train["search"] = JsonNode.Parse("""[{"type": "float", "args": ["@lr"], "targets": [1e-4, 1e-3]}]""");
        mmar.Train["train"]!["pre_transforms"]![3]!["search"] = JsonNode.Parse("""[{"type": "enum", "args": ["{UNDEFINED}"]}]""");
        mmar.Train["train"]!["pre_transforms"]![3]!["apply"] = JsonNode.Parse("""{"@disabled": "x"}""");

        var result = mmar.Read();

        Assert.That(result.Problems.Errors(), Is.Empty, "AutoML blocks are not substituted");
        Assert.That(result.Problems.At("search").Message, Does.Contain("AutoML search is not supported"));
        Assert.That(result.Problems.At("train.pre_transforms[3].search").IsWarning, Is.True);
        Assert.That(result.Problems.At("train.pre_transforms[3].apply").IsWarning, Is.True);
    }

    [Test]
    public void LossAsAListOfAlternativesIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["loss"] = JsonNode.Parse("""[{"name": "Dice"}, {"name": "Focal"}]""");

        var problem = mmar.Read().Problems.At("train.loss");

        Assert.That(problem.IsWarning, Is.False);
        Assert.That(problem.Message, Does.Contain("AutoML").And.Contain("exactly one loss"));
    }

    [Test]
    public void WrongShapesAreErrorsWithExactPaths()
    {
        using var mmar = new TempMmar();
        var train = mmar.Train["train"]!;
        train["pre_transforms"]![0] = JsonNode.Parse("""{"args": {"fields": "image"}}""");
        train["pre_transforms"]![1]!["args"] = new JsonArray(1, 2);
        train["pre_transforms"]![2]!["disabled"] = "yes";
        train["pre_transforms"]![3]!["name"] = "ScaleIntensityRange#";
        train["model"] = new JsonArray();
        train["handlers"] = JsonNode.Parse("""{"name": "StatsHandler"}""");

        var result = mmar.Read();

        Assert.That(result.Problems.At("train.pre_transforms[0]").Message, Does.Contain("no name, path or ref"));
        Assert.That(result.Problems.At("train.pre_transforms[1].args").Message, Does.Contain("found a list").And.Contain("accepted: an object"));
        Assert.That(result.Problems.At("train.pre_transforms[2].disabled").Message, Does.Contain("string \"yes\"").And.Contain("true or false"));
        Assert.That(result.Problems.At("train.pre_transforms[3].name").Message, Does.Contain("empty alias"));
        Assert.That(result.Problems.At("train.model").Message, Does.Contain("found a list"));
        Assert.That(result.Problems.At("train.handlers").Message, Does.Contain("wrap the component in [ ]"));
        Assert.That(result.Problems.ErrorCount, Is.GreaterThanOrEqualTo(6), "every problem is reported in one pass");
    }

    [Test]
    public void ManyProblemsInOneFileAreReportedTogether()
    {
        using var mmar = new TempMmar();
        mmar.Train["epochs"] = "ten";
        mmar.Train["train"]!["model"]!["args"]!["num_classes"] = "{NUM_CLASES}";
        mmar.Train["train"]!["loss"] = "Dice";
        mmar.Train["validate"]!["inferer"]!["args"] = 5;

        var result = mmar.Read();

        Assert.That(result.Config, Is.Not.Null);
        Assert.That(result.Problems.ErrorCount, Is.GreaterThanOrEqualTo(4));
        Assert.That(result.Problems.Errors().Select(p => p.JsonPath), Is.SupersetOf(new[]
        {
            "epochs", "train.model.args.num_classes", "train.loss", "validate.inferer.args",
        }));
        var ex = Assert.Throws<Pipeline.Configuration.ConfigException>(() =>
            MmarLoader.Load(new MmarLoadOptions { MmarRoot = mmar.Root }));
        Assert.That(ex!.Problems.Count(p => !p.IsWarning), Is.EqualTo(result.Problems.ErrorCount));
    }

    [Test]
    public void TransformOnlyTrainingConfigLoadsAndListsWhatATrainingRunWouldNeed()
    {
        using var mmar = new TempMmar();
        var train = mmar.Train["train"]!.AsObject();
        foreach (var key in new[] { "loss", "optimizer", "model", "image_pipeline" }) train.Remove(key);

        var result = mmar.Read();

        Assert.That(result.Succeeded, Is.True, () => string.Join("\n", result.Problems.Items));
        Assert.That(result.Config!.MissingRequiredSections().Select(r => r.JsonPath),
            Is.EqualTo(new[] { "train.loss", "train.model", "train.image_pipeline" }));
    }

    [Test]
    public void MissingTrainSectionIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.Train.Remove("train");

        var result = mmar.Read();

        Assert.That(result.Problems.At("train").IsWarning, Is.False);
        Assert.That(result.Problems.At("validate.pre_transforms[0].ref").Message, Does.Contain("ref \"LoadNifti\" matches no earlier component"));
    }

    [Test]
    public void MissingValidateIsOnlyAWarning()
    {
        using var mmar = new TempMmar();
        mmar.Train.Remove("validate");

        var result = mmar.Read();

        Assert.That(result.Succeeded, Is.True);
        Assert.That(result.Problems.At("validate").IsWarning, Is.True);
    }

    [Test]
    public void ValidationConfigIsDetectedFromItsKeys()
    {
        using var mmar = new TempMmar();
        mmar.Train = (JsonObject)JsonNode.Parse("""
            {
              "batch_size": 1,
              "DATA_LIST_KEY": "validation",
              "output_infer_result": false,
              "inferer": {"name": "TFScanWindowInferer", "args": {"roi_size": [160, 160, 160]}},
              "model_loader": {"name": "CheckpointLoader", "args": {"checkpoint_dir": "{MMAR_CKPT_DIR}"}},
              "pre_transforms": [{"name": "LoadNifti#load", "args": {"fields": "image"}}],
              "label_transforms": [{"ref": "load", "args": {"fields": "label"}}],
              "val_metrics": [{"name": "ComputeAverageDice", "args": {"name": "mean_dice", "field": "model", "label_field": "label"}}],
              "writers": [{"name": "WriteNifti", "args": {"field": "model", "dtype": "uint8"}}]
            }
            """)!;

        var config = mmar.Load("do_validation=true");

        Assert.That(config.Kind, Is.EqualTo(ConfigKind.Validation));
        Assert.That(config.Component("model_loader")!.Kind, Is.EqualTo(ComponentKind.ModelLoader));
        Assert.That(config.Component("model_loader")!.Args["checkpoint_dir"]!.GetValue<string>(), Is.EqualTo(Path.Combine(mmar.Root, "models")));
        Assert.That(config.Components("writers").Single().Kind, Is.EqualTo(ComponentKind.Writer));
        Assert.That(config.Components("label_transforms").Single().Args["fields"]!.GetValue<string>(), Is.EqualTo("label"));
        Assert.That(config.Globals.GetBoolean("do_validation", false), Is.True);
        Assert.That(config.Globals.GetString("DATA_LIST_KEY", null), Is.EqualTo("validation"));
    }

    [Test]
    public void ForcedKindWins()
    {
        using var mmar = new TempMmar();

        var result = mmar.Read(ConfigKind.Validation);

        Assert.That(result.Config!.Kind, Is.EqualTo(ConfigKind.Validation));
        Assert.That(result.Config.MissingRequiredSections().Select(r => r.JsonPath), Is.EqualTo(new[] { "inferer", "model_loader" }));
        Assert.That(result.Problems.At("train").IsWarning, Is.True);
    }

    [Test]
    public void ConfigOfUnknownKindIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.Train = new JsonObject { ["epochs"] = 3 };

        var result = mmar.Read();

        Assert.That(result.Config, Is.Null);
        Assert.That(result.Problems.Errors().Single().Message, Does.Contain("training or a validation config"));
    }

    [Test]
    public void GlobalsAreTypeChecked()
    {
        using var mmar = new TempMmar();
        mmar.Train["multi_gpu"] = "false";
        mmar.Train["learning_rate"] = true;
        mmar.Train["epochs"] = 10.0;

        var result = mmar.Read();

        Assert.That(result.Problems.At("multi_gpu").Message, Does.Contain("string \"false\"").And.Contain("accepted: true or false"));
        Assert.That(result.Problems.At("learning_rate").Message, Does.Contain("a number"));
        Assert.That(result.Problems.Items.Any(p => p.JsonPath == "epochs"), Is.False, "10.0 is a whole number");
    }
}
