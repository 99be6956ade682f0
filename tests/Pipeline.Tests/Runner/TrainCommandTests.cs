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
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "models"), "*.tmp"), Is.Empty, "no temp files are left behind");
    }

    [Test]
    public void KeepsALogFileTensorBoardEventsAndTheResolvedConfigBesideTheCheckpoints()
    {
        var run = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=2", "train_summary_recording_interval=1");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var models = Path.Combine(_dir, "models");
        var log = File.ReadAllText(Path.Combine(models, "training.log"));
        Assert.That(log, Does.Contain("epoch 1/2: loss").And.Contain("epoch 2/2: loss").And.Contain("mean_dice"));
        var events = Directory.GetFiles(models, "events.out.tfevents.*");
        Assert.That(events, Has.Length.EqualTo(1));
        var bytes = File.ReadAllBytes(events[0]);
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes), Does.Contain("brain.Event:2").And.Contain("train/loss").And.Contain("validation/mean_dice"));
        var resolved = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(models, "config_train.resolved.json")))!;
        Assert.That(resolved["epochs"]!.GetValue<int>(), Is.EqualTo(2), "--set values are resolved in the copy");
        Assert.That(resolved["train"]!["image_pipeline"]!["args"]!["data_list_file_path"]!.GetValue<string>(), Does.Not.Contain("{DATASET_JSON}"));
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
