using System.Diagnostics;
using NUnit.Framework;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.Workflows.Training;

namespace Pipeline.Tests.Distributed;

/// <summary>
/// <c>mpirun -np 2 mmar train</c> on this machine (two ranks of one thread): the same weights as one process with the same
/// global batch, exactly reduced validation metrics, bitwise repeatable runs and resumes, and a dead or hung rank that
/// ends the run instead of hanging it.
/// </summary>
[NonParallelizable]
public sealed class DataParallelTrainingTests
{
    private string _dir = "";

    // Six training items, so an epoch is three global batches of two; three validation images, split 2 + 1 between the ranks.
    private const string Datalist = """
        { "training": [ { "image": "i/a.nii.gz", "label": "l/a.nii.gz" }, { "image": "i/b.nii.gz", "label": "l/b.nii.gz" },
                        { "image": "i/c.nii.gz", "label": "l/c.nii.gz" }, { "image": "i/a.nii.gz", "label": "l/a.nii.gz" },
                        { "image": "i/b.nii.gz", "label": "l/b.nii.gz" }, { "image": "i/c.nii.gz", "label": "l/c.nii.gz" } ],
          "validation": [ { "image": "i/c.nii.gz", "label": "l/c.nii.gz" }, { "image": "i/a.nii.gz", "label": "l/a.nii.gz" },
                          { "image": "i/b.nii.gz", "label": "l/b.nii.gz" } ] }
        """;

    // Group norm and a per-sample loss (cross-entropy and Dice both average over samples), so halves of a batch add up to the whole.
    private static string Config(int batch, int epochs, double learningRate = 1e-3, bool ampAndCache = false) => $$"""
        {
          "use_amp": {{(ampAndCache ? "true" : "false")}},
          "epochs": {{epochs}}, "num_training_epoch_per_valid": 1, "learning_rate": {{learningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "determinism": { "random_seed": 3 },
          "train": {
            "loss": { "name": "CrossEntropyDice", "args": { "skip_background": true } },
            "optimizer": { "name": "Adam" },
            "model": { "name": "SegResnet", "args": { "num_classes": 2, "init_filters": 4, "use_group_normG": 4, "blocks_down": "1,1,1", "blocks_up": "1,1" } },
            "pre_transforms": [
              { "name": "LoadNifti", "args": { "fields": ["image", "label"] } },
              { "name": "CropFixedSizeRandomCenter", "args": { "size": [32, 32, 16], "fields": ["image", "label"] } }
            ],
            "image_pipeline": { "name": "{{(ampAndCache ? "SegmentationImagePipelineWithCache" : "SegmentationImagePipeline")}}", "args": {
              "data_list_file_path": "{DATASET_JSON}", "data_file_base_dir": "{DATA_ROOT}", "data_list_key": "training",
              {{(ampAndCache ? "\"num_cache_objects\": 4, \"replace_percent\": 0.5," : "")}}
              "output_crop_size": [32, 32, 16], "output_batch_size": {{batch}}, "num_workers": 1, "prefetch_size": 1 } }
          },
          "validate": {
            "metrics": [ { "name": "ComputeAverageDice", "args": { "name": "mean_dice", "field": "model", "label_field": "label", "is_key_metric": true } } ],
            "pre_transforms": [ { "ref": "LoadNifti" } ],
            "image_pipeline": { "name": "SegmentationImagePipeline", "args": {
              "data_list_file_path": "{DATASET_JSON}", "data_file_base_dir": "{DATA_ROOT}", "data_list_key": "validation",
              "output_crop_size": [-1, -1, -1], "output_batch_size": 1, "num_workers": 1, "prefetch_size": 1, "shuffle": false, "repeat": false } },
            "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [32, 32, 16], "batch_size": 4 } }
          }
        }
        """;

    [OneTimeSetUp]
    public void Create()
    {
        _dir = TinyTrainingMmar.Create(Config(1, 3));
        File.WriteAllText(Path.Combine(_dir, "config", "dataset.json"), Datalist);
        File.WriteAllText(Path.Combine(_dir, "config", "config_one_epoch.json"), Config(1, 1));
        File.WriteAllText(Path.Combine(_dir, "config", "config_single.json"), Config(2, 1));
        File.WriteAllText(Path.Combine(_dir, "config", "config_frozen.json"), Config(1, 1, learningRate: 0));
        File.WriteAllText(Path.Combine(_dir, "config", "config_frozen_single.json"), Config(2, 1, learningRate: 0));
        File.WriteAllText(Path.Combine(_dir, "config", "config_long.json"), Config(1, 200));
        File.WriteAllText(Path.Combine(_dir, "config", "config_amp_cache.json"), Config(1, 2, ampAndCache: true));
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private string Models(string name) => Path.Combine(_dir, name);

    private (int ExitCode, string Output) TrainOnTwoRanks(string models, params string[] more) =>
        MpiJob.Run(2, ["train", "-m", _dir, "--set", $"MMAR_CKPT_DIR={Models(models)}", .. more]);

    private static TrainingProgress Progress(string checkpoint) => TrainingProgress.FromJson(CheckpointFile.ReadDescription(checkpoint).TrainingState!);

    [Test]
    public void TwoRanksEndWithTheWeightsOfOneProcessWithTheSameGlobalBatch()
    {
        var single = CliRun.Invoke("train", "-m", _dir, "-c", "config/config_single.json", "--set", $"MMAR_CKPT_DIR={Models("single")}");
        var ranks = TrainOnTwoRanks("two_ranks", "-c", "config/config_one_epoch.json");

        Assert.That(single.ExitCode, Is.EqualTo(ExitCodes.Success), single.ToString());
        Assert.That(ranks.ExitCode, Is.EqualTo(0), ranks.Output);
        Assert.That(ranks.Output, Does.Contain("on each of 2 MPI ranks"));
        Assert.That(Progress(Path.Combine(Models("two_ranks"), SupervisedTrainer.FinalCheckpoint)).Step, Is.EqualTo(3), "one epoch of 3 global batches");
        using var one = CheckpointFile.Read(Path.Combine(Models("single"), SupervisedTrainer.FinalCheckpoint));
        using var two = CheckpointFile.Read(Path.Combine(Models("two_ranks"), SupervisedTrainer.FinalCheckpoint));
        var worst = one.Weights.Max(w => (w.Value - two.Weights[w.Key]).abs().max().item<float>());
        var moved = one.Weights.Max(w => w.Value.abs().max().item<float>());
        TestContext.Progress.WriteLine($"data parallel | 1 process × batch 2 vs 2 ranks × batch 1, 3 steps | max |Δweight| {worst:E2}");
        Assert.That(worst, Is.LessThan(1e-5));
        Assert.That(moved, Is.GreaterThan(0));
        // Only rank 0 reports: one training log, one closing line.
        Assert.That(ranks.Output.Split('\n').Count(l => l.StartsWith("done: best mean_dice", StringComparison.Ordinal)), Is.EqualTo(1), ranks.Output);
    }

    [Test]
    public void ValidationSplitBetweenRanksGivesOneProcessMetricExactly()
    {
        // A learning rate of 0 keeps the seeded initial weights, so both runs validate the same network.
        var single = CliRun.Invoke("train", "-m", _dir, "-c", "config/config_frozen_single.json", "--set", $"MMAR_CKPT_DIR={Models("frozen_single")}");
        var ranks = TrainOnTwoRanks("frozen_two", "-c", "config/config_frozen.json");

        Assert.That(single.ExitCode, Is.EqualTo(ExitCodes.Success), single.ToString());
        Assert.That(ranks.ExitCode, Is.EqualTo(0), ranks.Output);
        var one = Progress(Path.Combine(Models("frozen_single"), SupervisedTrainer.FinalCheckpoint)).LastMetric!.Value;
        var two = Progress(Path.Combine(Models("frozen_two"), SupervisedTrainer.FinalCheckpoint)).LastMetric!.Value;
        TestContext.Progress.WriteLine($"data parallel | validation mean_dice over 3 images: 1 process {one:R}, 2 ranks {two:R}");
        Assert.That(BitConverter.DoubleToInt64Bits(two), Is.EqualTo(BitConverter.DoubleToInt64Bits(one)));
    }

    [Test]
    public void TheSameSeedAndRanksGiveBitwiseTheSameWeightsAndResumeContinuesExactly()
    {
        var first = TrainOnTwoRanks("repeat_a");
        var second = TrainOnTwoRanks("repeat_b");
        var partial = TrainOnTwoRanks("resumed", "--set", "epochs=2");
        var resumed = TrainOnTwoRanks("resumed", "--resume");

        foreach (var run in new[] { first, second, partial, resumed }) Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        TinyTrainingMmar.AssertSameWeights(Path.Combine(Models("repeat_a"), SupervisedTrainer.FinalCheckpoint), Path.Combine(Models("repeat_b"), SupervisedTrainer.FinalCheckpoint));
        Assert.That(resumed.Output, Does.Contain("resuming from"));
        TinyTrainingMmar.AssertSameWeights(Path.Combine(Models("repeat_a"), SupervisedTrainer.FinalCheckpoint), Path.Combine(Models("resumed"), SupervisedTrainer.FinalCheckpoint));
    }

    [Test]
    public void MixedPrecisionSmartCacheAndFineTuningTrainUnderTwoRanks()
    {
        var pretrained = CliRun.Invoke("train", "-m", _dir, "-c", "config/config_one_epoch.json", "--set", $"MMAR_CKPT_DIR={Models("pretrained")}");
        Assert.That(pretrained.ExitCode, Is.EqualTo(ExitCodes.Success), pretrained.ToString());

        // Every epoch ends with the ranks checking that they hold the same weights; a difference would fail the run.
        var run = TrainOnTwoRanks("amp_cache", "-c", "config/config_amp_cache.json", "--set", $"MMAR_CKPT={Path.Combine(Models("pretrained"), SupervisedTrainer.BestCheckpoint)}");

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        Assert.That(run.Output, Does.Contain("bf16 mixed precision").And.Contain("fine-tuning: starting from"));
        Assert.That(Progress(Path.Combine(Models("amp_cache"), SupervisedTrainer.FinalCheckpoint)).Step, Is.EqualTo(4), "2 epochs of a 4-item cache in global batches of 2");
    }

    [Test]
    public void ARankTimeoutMustBePositive()
    {
        var run = CliRun.Invoke("train", "-m", _dir, "--rank-timeout", "0");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("--rank-timeout must be a positive number of seconds"));
    }

    [TestCase("STOP", "rank 1 was last at")]
    [TestCase("KILL", "")]
    public void ARankThatHangsOrDiesEndsTheRunWithinTheTimeout(string signal, string named)
    {
        var models = Models($"failing_{signal}");
        using var job = MpiJob.Start(2, "train", "-m", _dir, "-c", "config/config_long.json", "--set", $"MMAR_CKPT_DIR={models}", "--rank-timeout", "5");
        var final = Path.Combine(models, SupervisedTrainer.FinalCheckpoint);
        var watch = Stopwatch.StartNew();
        while (!File.Exists(final) && watch.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(100);
        Assert.That(File.Exists(final), Is.True, $"the first epoch never ended:\n{job.Output}");
        var rank1 = job.RankProcess(1);
        Assert.That(rank1, Is.Not.Null, "rank 1's process");

        MpiJob.Signal(rank1!.Value, signal);
        var stopped = Stopwatch.StartNew();
        var exit = job.Wait(TimeSpan.FromMinutes(2));

        TestContext.Progress.WriteLine($"data parallel | rank 1 got SIG{signal}: mpirun exited {exit} after {stopped.Elapsed.TotalSeconds:0.0} s");
        Assert.That(exit, Is.Not.EqualTo(0).And.Not.EqualTo(-1), job.Output);
        Assert.That(stopped.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5 + 30)), job.Output);
        if (named.Length > 0) Assert.That(job.Output, Does.Contain(named).And.Contain("rank 0 of 2 waited 5 s for"), job.Output);
        // The checkpoint of the last completed epoch is intact.
        using var checkpoint = CheckpointFile.Read(final);
        Assert.That(Progress(final).EpochsDone, Is.GreaterThanOrEqualTo(1));
    }
}
