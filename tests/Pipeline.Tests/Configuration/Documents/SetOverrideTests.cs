using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class SetOverrideTests
{
    [TestCase("true", JsonValueKind.True, "true")]
    [TestCase("False", JsonValueKind.False, "false")]
    [TestCase("42", JsonValueKind.Number, "42")]
    [TestCase("-3", JsonValueKind.Number, "-3")]
    [TestCase("3e-4", JsonValueKind.Number, "0.0003")]
    [TestCase("0.5", JsonValueKind.Number, "0.5")]
    [TestCase("[1, 2,3]", JsonValueKind.Array, "[1,2,3]")]
    [TestCase("{\"a\": 1}", JsonValueKind.Object, "{\"a\":1}")]
    [TestCase("config/dataset_1.json", JsonValueKind.String, "\"config/dataset_1.json\"")]
    [TestCase("NaN", JsonValueKind.String, "\"NaN\"")]
    [TestCase("", JsonValueKind.String, "\"\"")]
    public void ValuesAreTyped(string text, JsonValueKind kind, string json)
    {
        Assert.That(SetOverride.TryParseValue(text, out var value, out _), Is.True);
        Assert.That(value!.GetValueKind(), Is.EqualTo(kind));
        Assert.That(value.ToJsonString(), Is.EqualTo(json));
    }

    [Test]
    public void IntegersAreLongs()
    {
        SetOverride.TryParseValue("5000000000", out var value, out _);
        Assert.That(value!.GetValue<long>(), Is.EqualTo(5_000_000_000L));
    }

    [Test]
    public void MalformedItemsAreProblemsAtTheirIndex()
    {
        var problems = new ConfigProblems();
        var items = SetOverride.ParseAll(["epochs=5", "multi_gpu=true", "oops", "a.b=1", "roi=[1,2"], problems);

        Assert.That(items.Select(i => i.Key), Is.EqualTo(new[] { "epochs", "multi_gpu" }));
        Assert.That(problems.Items.Select(p => p.JsonPath), Is.EqualTo(new[] { "--set[2]", "--set[3]", "--set[4]" }));
        Assert.That(problems.Items[0].Message, Does.Contain("KEY=VALUE"));
        Assert.That(problems.Items[0].File, Is.Empty);
    }

    [Test]
    public void SetOfTopLevelKeyReplacesItInTheConfigAndAsAVariable()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["model"]!["args"]!["epochs_seen"] = "{epochs}";

        var config = mmar.Load("epochs=7", "multi_gpu=true", "learning_rate=3e-4");

        Assert.That(config.Globals.GetInteger("epochs", 0), Is.EqualTo(7));
        Assert.That(config.Globals.GetBoolean("multi_gpu", false), Is.True);
        Assert.That(config.Globals.GetNumber("learning_rate", 0), Is.EqualTo(3e-4));
        Assert.That(config.Root["epochs"]!.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
        Assert.That(config.Component("train.model")!.Args["epochs_seen"]!.GetValue<long>(), Is.EqualTo(7));
        Assert.That(config.Variables.Describe("epochs")!.Source, Is.EqualTo(VariableSource.CommandLine));
    }

    [Test]
    public void SetOfKnownGlobalAbsentFromTheConfigAddsIt()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load("use_amp=true");
        Assert.That(config.Root["use_amp"]!.GetValueKind(), Is.EqualTo(JsonValueKind.True));
    }

    [Test]
    public void SetOfEnvironmentVariableIsNotAddedToTheConfig()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load("DATASET_JSON=config/dataset_1.json");

        Assert.That(config.Root.ContainsKey("DATASET_JSON"), Is.False);
        Assert.That(config.Paths.DatasetJson, Is.EqualTo(Path.Combine(mmar.Root, "config", "dataset_1.json")));
        Assert.That(config.Component("validate.image_pipeline")!.Args["data_list_file_path"]!.GetValue<string>(),
            Is.EqualTo(Path.Combine(mmar.Root, "config", "dataset_1.json")));
    }

    [Test]
    public void PrecedenceIsConfigThenEnvironmentThenSet()
    {
        using var mmar = new TempMmar();
        mmar.Environment["learning_rate"] = 0.01;
        mmar.Environment["epochs"] = 3;

        var config = mmar.Load("epochs=9");

        Assert.That(config.Globals.GetNumber("learning_rate", 0), Is.EqualTo(0.01), "environment.json beats the config");
        Assert.That(config.Variables.Describe("learning_rate")!.Source, Is.EqualTo(VariableSource.Environment));
        Assert.That(config.Globals.GetInteger("epochs", 0), Is.EqualTo(9), "--set beats environment.json");
        Assert.That(config.Globals.GetInteger("num_training_epoch_per_valid", 0), Is.EqualTo(20), "untouched config value stays");
    }

    [Test]
    public void SetListAndStringValuesKeepTheirType()
    {
        using var mmar = new TempMmar();
        mmar.Train["validate"]!["inferer"]!["args"]!["roi_size"] = "{ROI}";
        mmar.Train["train"]!["model"]!["args"]!["tag"] = "{TAG}";

        var config = mmar.Load("ROI=[64,64,32]", "TAG=fold1");

        Assert.That(config.Component("validate.inferer")!.Args["roi_size"]!.ToJsonString(), Is.EqualTo("[64,64,32]"));
        Assert.That(config.Component("train.model")!.Args["tag"]!.GetValue<string>(), Is.EqualTo("fold1"));
    }

    [Test]
    public void SetWithTheWrongTypeForAGlobalIsAnError()
    {
        using var mmar = new TempMmar();
        var result = mmar.Read("epochs=many");
        var problem = result.Problems.At("epochs");
        Assert.That(problem.Message, Does.Contain("string \"many\"").And.Contain("an integer"));
    }

    [Test]
    public void UnusedSetIsAWarningWithASuggestion()
    {
        using var mmar = new TempMmar();
        var result = mmar.Read("epoch=5");
        var problem = result.Problems.At("--set[0]");
        Assert.That(problem.IsWarning, Is.True);
        Assert.That(problem.Message, Does.Contain("did you mean epochs?"));
    }

    [Test]
    public void SectionsCannotBeSet()
    {
        using var mmar = new TempMmar();
        var result = mmar.Read("train=1");
        Assert.That(result.Problems.At("--set[0]").IsWarning, Is.False);
        Assert.That(result.Config!.Root["train"], Is.InstanceOf<JsonObject>());
    }
}
