using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class SubstitutionTests
{
    [Test]
    public void WholeTokenKeepsTheVariableType()
    {
        using var mmar = new TempMmar();
        mmar.Environment["ROI"] = new JsonArray(96, 96, 64);
        mmar.Environment["CLASSES"] = 3;
        mmar.Environment["USE_CLIP"] = false;
        var train = mmar.Train["train"]!;
        train["model"]!["args"]!["num_classes"] = "{CLASSES}";
        train["pre_transforms"]![3]!["args"]!["clip"] = "{USE_CLIP}";
        mmar.Train["validate"]!["inferer"]!["args"]!["roi_size"] = "{ROI}";

        var config = mmar.Load();

        var numClasses = config.Root["train"]!["model"]!["args"]!["num_classes"]!;
        Assert.That(numClasses.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
        Assert.That(numClasses.GetValue<int>(), Is.EqualTo(3));
        Assert.That(config.Component("train.model")!.Args["num_classes"]!.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
        Assert.That(config.Components("train.pre_transforms")[3].Args["clip"]!.GetValueKind(), Is.EqualTo(JsonValueKind.False));
        Assert.That(config.Component("validate.inferer")!.Args["roi_size"]!.ToJsonString(), Is.EqualTo("[96,96,64]"));
    }

    [Test]
    public void EmbeddedTokensInterpolate()
    {
        using var mmar = new TempMmar();
        mmar.Environment["FOLD"] = 2;
        mmar.Train["train"]!["model"]!["args"]!["weights"] = "{MMAR_CKPT_DIR}/fold{FOLD}/model.ckpt";

        var config = mmar.Load();

        var expected = Path.Combine(mmar.Root, "models") + "/fold2/model.ckpt";
        Assert.That(config.Component("train.model")!.Args["weights"]!.GetValue<string>(), Is.EqualTo(expected));
    }

    [Test]
    public void DatasetAndDataRootAreSubstitutedIntoThePipeline()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load();
        var args = config.Component("train.image_pipeline")!.Args;
        Assert.That(args["data_list_file_path"]!.GetValue<string>(), Is.EqualTo(Path.Combine(mmar.Root, "config", "dataset_0.json")));
        Assert.That(args["data_file_base_dir"]!.GetValue<string>(), Is.EqualTo("/data/spleen"));
    }

    [Test]
    public void UnknownVariableIsAnErrorAtItsPathWithASuggestion()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["image_pipeline"]!["args"]!["data_list_file_path"] = "{DATASET_JSNO}";

        var result = mmar.Read();

        var problem = result.Problems.At("train.image_pipeline.args.data_list_file_path");
        Assert.That(problem.IsWarning, Is.False);
        Assert.That(problem.File, Is.EqualTo(mmar.ConfigPath));
        Assert.That(problem.Message, Does.Contain("{DATASET_JSNO}").And.Contain("did you mean DATASET_JSON?"));
    }

    [Test]
    public void UnknownVariableInAGlobalIsReportedOnce()
    {
        using var mmar = new TempMmar();
        mmar.Train["learning_rate"] = "{LR}";

        var result = mmar.Read();

        Assert.That(result.Problems.At("learning_rate").Message, Does.Contain("unknown variable {LR}"));
    }

    [Test]
    public void UnknownVariableInDisabledGivesOneError()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["pre_transforms"]![3]!["disabled"] = "{NO_AUG}";

        var result = mmar.Read();

        Assert.That(result.Problems.ErrorCount, Is.EqualTo(1), () => string.Join("\n", result.Problems.Items));
        Assert.That(result.Problems.At("train.pre_transforms[3].disabled").Message, Does.Contain("unknown variable {NO_AUG}"));
        Assert.That(result.Config!.Components("train.pre_transforms"), Has.Count.EqualTo(3), "the unusable component is left out");
        Assert.That(result.Config!.Components("validate.pre_transforms"), Has.Count.EqualTo(3), "and so is the ref to it, quietly");
    }

    [Test]
    public void GlobalsAreVariables()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["lr_policy"] = JsonNode.Parse("""{"name": "DecayOnStep", "args": {"decay_ratio": 0.1, "initial": "{learning_rate}"}}""");

        var config = mmar.Load();

        Assert.That(config.Component("train.lr_policy")!.Args["initial"]!.GetValue<double>(), Is.EqualTo(1e-4));
    }

    [Test]
    public void BracesThatAreNotTokensAreLeftAlone()
    {
        using var mmar = new TempMmar();
        var args = mmar.Train["train"]!["model"]!["args"]!;
        args["json_text"] = """{"a": 1, "b": [2]}""";
        args["spaced"] = "{ DATA_ROOT }";
        args["digit"] = "{1abc}";

        var config = mmar.Load();

        var model = config.Component("train.model")!.Args;
        Assert.That(model["json_text"]!.GetValue<string>(), Is.EqualTo("""{"a": 1, "b": [2]}"""));
        Assert.That(model["spaced"]!.GetValue<string>(), Is.EqualTo("{ DATA_ROOT }"));
        Assert.That(model["digit"]!.GetValue<string>(), Is.EqualTo("{1abc}"));
    }

    [Test]
    public void EnvironmentValuesMayUseOtherVariables()
    {
        using var mmar = new TempMmar();
        mmar.Environment["MMAR_CKPT"] = "{MMAR_CKPT_DIR}/model.ckpt";

        var config = mmar.Load();

        Assert.That(config.Paths.Checkpoint, Is.EqualTo(Path.Combine(mmar.Root, "models") + "/model.ckpt"));
    }

    [Test]
    public void VariableCycleIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.Environment["A"] = "{B}";
        mmar.Environment["B"] = "x{A}";

        var result = mmar.Read();

        var problem = result.Problems.At("A");
        Assert.That(problem.Message, Does.Contain("A → B → A"));
    }

    [Test]
    public void CommentKeysAreNotSubstituted()
    {
        using var mmar = new TempMmar();
        mmar.Train["_comment"] = "uses {NOT_A_VARIABLE}";
        mmar.Train["train"]!["model"]!["args"]!["_note"] = "{ALSO_NOT}";

        var config = mmar.Load();

        Assert.That(config.Problems.Items, Is.Empty);
        Assert.That(config.Component("train.model")!.Args.ContainsKey("_note"), Is.False, "comment keys never reach the binder");
    }
}
