using NUnit.Framework;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;

namespace Pipeline.Tests.Runner;

/// <summary><c>mmar train</c> runs a whole config_train.json on generated data: epochs, validation with the key metric, best and last checkpoints.</summary>
public sealed class TrainCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateMmar()
    {
        _dir = TinyTrainingMmar.Create();
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TrainsValidatesAndKeepsTheBestAndTheLastCheckpoint()
    {
        var run = CliRun.Invoke("train", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("epoch 1/2: loss").And.Contain("mean_dice").And.Contain("done: best mean_dice"));
        var best = Path.Combine(_dir, "models", "model.ckpt");
        var final = Path.Combine(_dir, "models", "model_final.ckpt");
        var (network, contract, state) = CheckpointFile.ReadDescription(best);
        Assert.That(network.Name, Is.EqualTo("SegResnet"));
        Assert.That(contract.FixedShape, Is.EqualTo(new[] { 32, 32, 16 }), "the fixed-shape network records its training crop");
        Assert.That(state!["best_epoch"]!.GetValue<int>(), Is.InRange(1, 2));
        Assert.That(CheckpointFile.ReadDescription(final).TrainingState!["epoch"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "models")), Has.Length.EqualTo(2), "no temp files are left behind");
    }

    [Test]
    public void AMissingLossIsAConfigErrorAtItsPath()
    {
        var path = Path.Combine(_dir, "config", "config_train.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"loss\": { \"name\": \"CrossEntropyDice\", \"args\": { \"skip_background\": true } },", ""));

        var run = CliRun.Invoke("train", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("train.loss"));
    }
}
