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
        _dir = Directory.CreateTempSubdirectory("train-").FullName;
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        File.WriteAllText(Path.Combine(_dir, "config", "environment.json"),
            """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json", "MMAR_CKPT_DIR": "models" }""");
        File.WriteAllText(Path.Combine(_dir, "config", "dataset.json"), """
            { "training": [ { "image": "i/a.nii.gz", "label": "l/a.nii.gz" }, { "image": "i/b.nii.gz", "label": "l/b.nii.gz" } ],
              "validation": [ { "image": "i/c.nii.gz", "label": "l/c.nii.gz" } ] }
            """);
        File.WriteAllText(Path.Combine(_dir, "config", "config_train.json"), """
            {
              "epochs": 2, "num_training_epoch_per_valid": 1, "learning_rate": 1e-3, "determinism": { "random_seed": 3 },
              "train": {
                "loss": { "name": "CrossEntropyDice", "args": { "skip_background": true } },
                "optimizer": { "name": "Adam" },
                "model": { "name": "SegResnet", "args": { "num_classes": 2, "init_filters": 4, "use_group_normG": 4, "blocks_down": "1,1,1", "blocks_up": "1,1" } },
                "pre_transforms": [
                  { "name": "LoadNifti", "args": { "fields": ["image", "label"] } },
                  { "name": "CropByPosNegRatio", "args": { "size": [32, 32, 16], "fields": ["image", "label"], "label_field": "label", "batch_size": 2 } }
                ],
                "image_pipeline": { "name": "SegmentationImagePipeline", "args": {
                  "data_list_file_path": "{DATASET_JSON}", "data_file_base_dir": "{DATA_ROOT}", "data_list_key": "training",
                  "output_crop_size": [32, 32, 16], "output_batch_size": 1, "batched_by_transforms": true, "num_workers": 2, "prefetch_size": 2 } }
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
            """);
        Assert.That(CliRun.Invoke("generate-demo-data", "-m", _dir).ExitCode, Is.EqualTo(ExitCodes.Success));
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
