using NUnit.Framework;
using Pipeline.Configuration.Documents;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class PathResolutionTests
{
    [Test]
    public void RelativePathVariablesResolveAgainstTheMmarRoot()
    {
        using var mmar = new TempMmar();
        mmar.Environment["DATA_ROOT"] = "../data";
        mmar.Environment["MMAR_CKPT"] = "models/model.ckpt";

        var config = mmar.Load();

        Assert.That(config.MmarRoot, Is.EqualTo(mmar.Root));
        Assert.That(config.Paths.CheckpointDir, Is.EqualTo(Path.Combine(mmar.Root, "models")));
        Assert.That(config.Paths.EvalOutputDir, Is.EqualTo(Path.Combine(mmar.Root, "eval")));
        Assert.That(config.Paths.DatasetJson, Is.EqualTo(Path.Combine(mmar.Root, "config", "dataset_0.json")));
        Assert.That(config.Paths.DataRoot, Is.EqualTo(Path.GetFullPath(Path.Combine(mmar.Root, "..", "data"))));
        Assert.That(config.Paths.Checkpoint, Is.EqualTo(Path.Combine(mmar.Root, "models", "model.ckpt")));
        Assert.That(config.Variables.GetString("MMAR_CKPT_DIR"), Is.EqualTo(Path.Combine(mmar.Root, "models")), "substitution sees the absolute path");
    }

    [Test]
    public void AbsolutePathsAreKept()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load();
        Assert.That(config.Paths.DataRoot, Is.EqualTo("/data/spleen"));
    }

    [Test]
    public void MmarRootIsAVariable()
    {
        using var mmar = new TempMmar();
        mmar.Train["train"]!["model"]!["args"]!["home"] = "{MMAR_ROOT}/resources";
        var config = mmar.Load();
        Assert.That(config.Component("train.model")!.Args["home"]!.GetValue<string>(), Is.EqualTo(mmar.Root + "/resources"));
        Assert.That(config.Variables.Describe("MMAR_ROOT")!.Source, Is.EqualTo(VariableSource.BuiltIn));
    }

    [Test]
    public void ConfigFileIsRelativeToTheMmarRoot()
    {
        using var mmar = new TempMmar();
        mmar.WriteText("config/environment.json", mmar.Environment.ToJsonString());
        mmar.WriteText("config/other_train.json", mmar.Train.ToJsonString());

        var result = MmarLoader.Read(new MmarLoadOptions { MmarRoot = mmar.Root, ConfigFile = "config/other_train.json" });

        Assert.That(result.Succeeded, Is.True, () => string.Join("\n", result.Problems.Items));
        Assert.That(result.Config!.File, Is.EqualTo(Path.Combine(mmar.Root, "config", "other_train.json")));
    }

    [Test]
    public void NonStringPathVariableIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.Environment["DATA_ROOT"] = 5;
        var result = mmar.Read();
        var problem = result.Problems.At("DATA_ROOT");
        Assert.That(problem.File, Is.EqualTo(Path.Combine(mmar.Root, "config", "environment.json")));
        Assert.That(problem.Message, Does.Contain("number 5").And.Contain("path string"));
    }

    [Test]
    public void DatasetJsonWrittenRelativeToCommandsIsAcceptedWithAWarning()
    {
        using var mmar = new TempMmar();
        mmar.WriteText("config/dataset_0.json", "{}");
        mmar.Environment["DATASET_JSON"] = "../config/dataset_0.json";

        var result = mmar.Read();

        Assert.That(result.Config!.Paths.DatasetJson, Is.EqualTo(Path.Combine(mmar.Root, "config", "dataset_0.json")));
        Assert.That(result.Problems.At("DATASET_JSON").IsWarning, Is.True);
    }

    [Test]
    public void DatasetJsonThatExistsNowhereStaysRelativeToTheMmarRoot()
    {
        using var mmar = new TempMmar();
        var config = mmar.Load();
        Assert.That(config.Paths.DatasetJson, Is.EqualTo(Path.Combine(mmar.Root, "config", "dataset_0.json")));
        Assert.That(config.Problems.Items, Is.Empty);
    }
}
