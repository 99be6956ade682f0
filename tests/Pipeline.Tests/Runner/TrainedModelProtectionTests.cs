using NUnit.Framework;
using Pipeline.Runner;

namespace Pipeline.Tests.Runner;

/// <summary>A trained model is only ever replaced by a better validated one: runs that train nothing or validate nothing leave it, and a new run keeps the earlier one.</summary>
[NonParallelizable]
public sealed class TrainedModelProtectionTests
{
    private string _dir = "";

    [SetUp]
    public void CreateMmar() => _dir = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace("\"epochs\": 2", "\"epochs\": 1", StringComparison.Ordinal));

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private string Models(string name) => Path.Combine(_dir, "models", name);

    private void Train(params string[] extra)
    {
        var run = CliRun.Invoke(["train", "-m", _dir, .. extra]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
    }

    private void RemoveValidation()
    {
        var config = Path.Combine(_dir, "config", "config_train.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json.Remove("validate");
        File.WriteAllText(config, json.ToJsonString());
    }

    [TestCase("epochs=0")]
    [TestCase("epochs=-3")]
    public void ARunWithNoEpochToTrainIsAConfigErrorAndTouchesNothing(string set)
    {
        Train();
        var model = File.ReadAllBytes(Models("model.ckpt"));
        var final = File.ReadAllBytes(Models("model_final.ckpt"));

        var run = CliRun.Invoke("train", "-m", _dir, "--set", set);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("epochs"));
        Assert.That(File.ReadAllBytes(Models("model.ckpt")), Is.EqualTo(model));
        Assert.That(File.ReadAllBytes(Models("model_final.ckpt")), Is.EqualTo(final));
    }

    [Test]
    public void ResumingAFinishedRunSaysNothingToDoAndWritesNothing()
    {
        Train();
        var before = Directory.EnumerateFiles(Path.Combine(_dir, "models")).ToDictionary(f => f, File.ReadAllBytes);

        var run = CliRun.Invoke("train", "-m", _dir, "--resume");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("nothing to do").And.Contain("1 epoch(s)"));
        var after = Directory.EnumerateFiles(Path.Combine(_dir, "models")).ToDictionary(f => f, File.ReadAllBytes);
        Assert.That(after.Keys, Is.EquivalentTo(before.Keys));
        foreach (var (file, bytes) in before) Assert.That(after[file], Is.EqualTo(bytes), file);
    }

    [Test]
    public void ARunWithoutValidationLeavesAnExistingModelAndSaysWhereItsWeightsAre()
    {
        Train();
        var model = File.ReadAllBytes(Models("model.ckpt"));
        var final = File.ReadAllBytes(Models("model_final.ckpt"));
        RemoveValidation();

        var run = CliRun.Invoke("train", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("left unchanged").And.Contain("model_final.ckpt"));
        Assert.That(File.ReadAllBytes(Models("model.ckpt")), Is.EqualTo(model));
        Assert.That(File.ReadAllBytes(Models("model_final.ckpt")), Is.Not.EqualTo(final), "the new run's last state is kept");
    }

    [Test]
    public void ARunWithoutValidationInAnEmptyFolderStillLeavesAModelToLoad()
    {
        RemoveValidation();

        var run = CliRun.Invoke("train", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("judged by no metric"));
        Assert.That(File.Exists(Models("model.ckpt")), Is.True);
    }

    [Test]
    public void AFreshRunKeepsTheModelAnEarlierRunLeftAsModelPrevious()
    {
        Train();
        var earlier = File.ReadAllBytes(Models("model.ckpt"));

        var run = CliRun.Invoke("train", "-m", _dir, "--set", "learning_rate=0.02");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("model_previous.ckpt"));
        Assert.That(File.ReadAllBytes(Models("model_previous.ckpt")), Is.EqualTo(earlier));
        Assert.That(File.ReadAllBytes(Models("model.ckpt")), Is.Not.EqualTo(earlier));
    }
}
