using System.Diagnostics;
using NUnit.Framework;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;
using static TorchSharp.torch;

namespace Pipeline.Tests.Runner;

/// <summary><c>mmar train --resume</c> continues a run exactly, <c>--set MMAR_CKPT=…</c> fine-tunes, <c>use_amp</c> and <c>multi_gpu</c> behave as on this CPU machine they should.</summary>
public sealed class TrainResumeTests
{
    private string _dir = "";

    [SetUp]
    public void CreateMmar() => _dir = TinyTrainingMmar.Create();

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void AResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        var straight = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=3", "MMAR_CKPT_DIR=straight");
        var first = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=1", "MMAR_CKPT_DIR=split");
        var resumed = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=3", "MMAR_CKPT_DIR=split", "--resume");

        Assert.That(straight.ExitCode, Is.EqualTo(ExitCodes.Success), straight.ToString());
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Success), resumed.ToString());
        Assert.That(resumed.Output, Does.Contain("resuming from").And.Contain("epoch 2/3").And.Not.Contain("epoch 1/3"));
        var straightFinal = Path.Combine(_dir, "straight", "model_final.ckpt");
        var splitFinal = Path.Combine(_dir, "split", "model_final.ckpt");
        TinyTrainingMmar.AssertSameWeights(straightFinal, splitFinal);
        var a = CheckpointFile.ReadDescription(straightFinal).TrainingState!;
        var b = CheckpointFile.ReadDescription(splitFinal).TrainingState!;
        Assert.That(b["best_metric"]!.GetValue<double>(), Is.EqualTo(a["best_metric"]!.GetValue<double>()));
        Assert.That(b["step"]!.GetValue<long>(), Is.EqualTo(a["step"]!.GetValue<long>()));
    }

    [Test]
    public void ResumingWithoutASavedStateSaysSo()
    {
        var run = CliRun.Invoke("train", "-m", _dir, "--resume");

        Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.Success));
        Assert.That(run.Error, Does.Contain("nothing to resume").And.Contain("model_final.ckpt"));
    }

    [Test]
    public void FineTuningStartsFromTheGivenCheckpointsWeights()
    {
        Assert.That(CliRun.Invoke("train", "-m", _dir, "--set", "epochs=1").ExitCode, Is.EqualTo(ExitCodes.Success));
        var source = Path.Combine(_dir, "models", "model.ckpt");

        // With a zero learning rate the weights cannot move, so the fine-tuned run must end exactly where it started.
        var run = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=1", "learning_rate=0", "MMAR_CKPT_DIR=tuned", "MMAR_CKPT=models/model.ckpt");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("fine-tuning"));
        using var start = CheckpointFile.Read(source);
        using var end = CheckpointFile.Read(Path.Combine(_dir, "tuned", "model_final.ckpt"));
        foreach (var (name, weight) in start.Weights.Where(w => w.Key.EndsWith("weight", StringComparison.Ordinal)))
            Assert.That(weight.equal(end.Weights[name]).all().item<bool>(), Is.True, name);
    }

    [Test]
    public void AMissingFineTuningCheckpointIsAConfigErrorAtItsSetItem()
    {
        var run = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=1", "MMAR_CKPT=models/none.ckpt");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("--set[1]").And.Contain("none.ckpt"));
    }

    [Test]
    public void MixedPrecisionTrainsInBf16AndKeepsFloat32Weights()
    {
        var run = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=1", "use_amp=true");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("bf16 mixed precision"));
        using var checkpoint = CheckpointFile.Read(Path.Combine(_dir, "models", "model_final.ckpt"));
        Assert.That(checkpoint.Weights.Values.Where(w => w.is_floating_point()).Select(w => w.dtype).Distinct(), Is.EqualTo(new[] { ScalarType.Float32 }));
    }

    [Test]
    public void MultiGpuWithoutCudaDevicesTrainsOnWhatIsPresentWithAWarning()
    {
        var run = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=1", "multi_gpu=true");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("warning: multi_gpu is true but this machine has 0 CUDA device(s); training runs as one worker on the CPU"));
        Assert.That(File.Exists(Path.Combine(_dir, "models", "model_final.ckpt")));
    }

    [Test]
    public void AKilledRunLeavesReadableCheckpointsAndResumesToTheEnd()
    {
        var runner = Path.Combine(AppContext.BaseDirectory, "mmar.dll");
        var final = Path.Combine(_dir, "models", "model_final.ckpt");
        var random = new Random(7);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", [runner, "train", "-m", _dir, "--set", "epochs=6", "num_training_epoch_per_valid=1"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            var before = File.Exists(final) ? File.GetLastWriteTimeUtc(final) : DateTime.MinValue;
            while (DateTime.UtcNow < deadline && (!File.Exists(final) || File.GetLastWriteTimeUtc(final) == before) && !process.HasExited) Thread.Sleep(20);
            // Land somewhere inside the next epoch or its checkpoint writes.
            Thread.Sleep(random.Next(0, 400));
            Assert.That(process.HasExited, Is.False, "the run should still be going when it is killed");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            foreach (var file in new[] { "model.ckpt", "model_final.ckpt" })
            {
                using var checkpoint = CheckpointFile.Read(Path.Combine(_dir, "models", file));
                Assert.That(checkpoint.Weights, Is.Not.Empty, file);
            }
        }

        var saved = CheckpointFile.ReadDescription(final).TrainingState!["epoch"]!.GetValue<int>();
        var resumed = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=6", "num_training_epoch_per_valid=1", "--resume");

        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Success), resumed.ToString());
        Assert.That(resumed.Output, Does.Contain($"epoch {saved + 1}/6").And.Not.Contain($"epoch {saved}/6"), "resuming continues after the last saved epoch");
        Assert.That(CheckpointFile.ReadDescription(final).TrainingState!["epoch"]!.GetValue<int>(), Is.EqualTo(6));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "models"), "*.tmp"), Is.Empty, "temp files of killed writes are cleared");
    }
}
