using NUnit.Framework;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;

namespace Pipeline.Tests.Runner;

/// <summary>A small MMAR (tiny SegResnet, two training and one validation volume from <c>generate-demo-data</c>) that trains in seconds.</summary>
internal static class TinyTrainingMmar
{
    /// <summary>Creates the MMAR in a new temporary folder, with its data generated, and returns its path.</summary>
    public static string Create() => Create(Config);

    /// <summary>Creates an MMAR with <paramref name="configTrain"/> in a new temporary folder, with the tiny MMAR's data generated, and returns its path.</summary>
    public static string Create(string configTrain)
    {
        var dir = CreateFolder("train-", configTrain);
        var generated = CliRun.Invoke("generate-demo-data", "-m", dir);
        if (generated.ExitCode != ExitCodes.Success) throw new InvalidOperationException(generated.ToString());
        return dir;
    }

    /// <summary>The tiny MMAR's config_train.json.</summary>
    public const string Config = """
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
            """;

    /// <summary>Creates an MMAR folder (prefix <paramref name="prefix"/>) with the environment, the three-case datalist and <paramref name="configTrain"/>, without data; returns its path.</summary>
    public static string CreateFolder(string prefix, string configTrain)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "config"));
        File.WriteAllText(Path.Combine(dir, "config", "environment.json"),
            """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json", "MMAR_CKPT_DIR": "models" }""");
        File.WriteAllText(Path.Combine(dir, "config", "dataset.json"), """
            { "training": [ { "image": "i/a.nii.gz", "label": "l/a.nii.gz" }, { "image": "i/b.nii.gz", "label": "l/b.nii.gz" } ],
              "validation": [ { "image": "i/c.nii.gz", "label": "l/c.nii.gz" } ] }
            """);
        File.WriteAllText(Path.Combine(dir, "config", "config_train.json"), configTrain);
        return dir;
    }

    /// <summary>Asserts that two checkpoints hold the same weight names with bitwise-equal values.</summary>
    public static void AssertSameWeights(string expectedCheckpoint, string actualCheckpoint)
    {
        using var expected = CheckpointFile.Read(expectedCheckpoint);
        using var actual = CheckpointFile.Read(actualCheckpoint);
        Assert.That(actual.Weights.Keys, Is.EquivalentTo(expected.Weights.Keys));
        foreach (var (name, weight) in expected.Weights)
            Assert.That(weight.equal(actual.Weights[name]).all().item<bool>(), Is.True, $"{name} differs after resuming");
    }
}
