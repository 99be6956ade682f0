using NUnit.Framework;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;

namespace Pipeline.Tests.Runner;

/// <summary><c>mmar train</c> with Clara's <c>SegmentationImagePipelineWithCache</c> for training and validation, and its config errors.</summary>
public sealed class TrainWithSmartCacheTests
{
    private string _dir = "";

    private string ConfigFile => Path.Combine(_dir, "config", "config_train.json");

    [SetUp]
    public void CreateMmar()
    {
        _dir = TinyTrainingMmar.CreateFolder("train-cache-", """
            {
              "epochs": 2, "num_training_epoch_per_valid": 2, "learning_rate": 1e-3, "determinism": { "random_seed": 3 },
              "train": {
                "loss": { "name": "CrossEntropyDice", "args": { "skip_background": true } },
                "optimizer": { "name": "Adam" },
                "model": { "name": "SegResnet", "args": { "num_classes": 2, "init_filters": 4, "use_group_normG": 4, "blocks_down": "1,1,1", "blocks_up": "1,1" } },
                "pre_transforms": [
                  { "name": "LoadNifti", "args": { "fields": ["image", "label"] } },
                  { "name": "ScaleIntensityRange#ScaleImage", "args": { "fields": "image", "a_min": -1.0, "a_max": 2.0, "clip": true } },
                  { "name": "CropByPosNegRatio", "args": { "size": [32, 32, 16], "fields": ["image", "label"], "label_field": "label", "batch_size": 2 } }
                ],
                "image_pipeline": { "name": "SegmentationImagePipelineWithCache", "args": {
                  "data_list_file_path": "{DATASET_JSON}", "data_file_base_dir": "{DATA_ROOT}", "data_list_key": "training",
                  "output_crop_size": [32, 32, 16], "output_batch_size": 1, "batched_by_transforms": true, "num_workers": 2, "prefetch_size": 0,
                  "num_cache_objects": 1, "replace_percent": 1.0 } }
              },
              "validate": {
                "metrics": [ { "name": "ComputeAverageDice", "args": { "name": "mean_dice", "field": "model", "label_field": "label", "is_key_metric": true } } ],
                "pre_transforms": [ { "ref": "LoadNifti" }, { "ref": "ScaleImage" } ],
                "image_pipeline": { "name": "SegmentationKerasImagePipelineWithCache", "args": {
                  "data_list_file_path": "{DATASET_JSON}", "data_file_base_dir": "{DATA_ROOT}", "data_list_key": "validation",
                  "output_crop_size": [-1, -1, -1], "output_batch_size": 1, "num_workers": 1, "prefetch_size": 0, "shuffle": false, "repeat": false,
                  "num_cache_objects": 1, "replace_percent": 0, "multiprocessing": true } },
                "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [32, 32, 16], "batch_size": 4 } }
              }
            }
            """);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TrainsOneCachedItemPerEpochAndValidates()
    {
        Assert.That(CliRun.Invoke("generate-demo-data", "-m", _dir).ExitCode, Is.EqualTo(ExitCodes.Success));

        var run = CliRun.Invoke("train", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        // One cached item per epoch, one batch of its two crops: one step each epoch.
        Assert.That(run.Output, Does.Contain("epoch 1/2: loss").And.Contain("] 1/1 loss").And.Contain("mean_dice"));
        var (_, contract, _) = CheckpointFile.ReadDescription(Path.Combine(_dir, "models", "model.ckpt"));
        Assert.That(contract.FixedShape, Is.EqualTo(new[] { 32, 32, 16 }), "the fixed-shape network records the cached pipeline's crop");
    }

    [Test]
    public void AResumedRunSeesTheSameCacheAndEndsWithTheSameWeights()
    {
        Assert.That(CliRun.Invoke("generate-demo-data", "-m", _dir).ExitCode, Is.EqualTo(ExitCodes.Success));

        // The cache moves by one item per epoch, so the resumed run must fill the window of epoch 2, not of epoch 1.
        var straight = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=3", "MMAR_CKPT_DIR=straight");
        var first = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=1", "MMAR_CKPT_DIR=split");
        var resumed = CliRun.Invoke("train", "-m", _dir, "--set", "epochs=3", "MMAR_CKPT_DIR=split", "--resume");

        Assert.That(straight.ExitCode, Is.EqualTo(ExitCodes.Success), straight.ToString());
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Success), resumed.ToString());
        TinyTrainingMmar.AssertSameWeights(Path.Combine(_dir, "straight", "model_final.ckpt"), Path.Combine(_dir, "split", "model_final.ckpt"));
    }

    [TestCase("\"num_cache_objects\": 1,", "\"num_cache_objects\": 0,", "num_cache_objects")]
    [TestCase("\"replace_percent\": 1.0", "\"replace_percent\": 25", "replace_percent")]
    public void ABadSmartCacheArgIsAConfigErrorNamingFileAndPath(string from, string to, string arg)
    {
        var text = File.ReadAllText(ConfigFile);
        File.WriteAllText(ConfigFile, text[..text.IndexOf(from, StringComparison.Ordinal)] + to + text[(text.IndexOf(from, StringComparison.Ordinal) + from.Length)..]);

        var run = CliRun.Invoke("check", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("config_train.json").And.Contain($"train.image_pipeline.args.{arg}"));
        Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace");
    }
}
