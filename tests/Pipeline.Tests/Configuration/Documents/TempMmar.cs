using System.Text.Json.Nodes;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;

namespace Pipeline.Tests.Configuration.Documents;

/// <summary>A throw-away MMAR folder with a small valid training config and environment, which tests then edit.</summary>
internal sealed class TempMmar : IDisposable
{
    public TempMmar()
    {
        Root = Path.Combine(Path.GetTempPath(), "mmar-docs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "config"));
        Environment = new JsonObject
        {
            ["DATA_ROOT"] = "/data/spleen",
            ["DATASET_JSON"] = "config/dataset_0.json",
            ["MMAR_CKPT_DIR"] = "models",
            ["MMAR_EVAL_OUTPUT_PATH"] = "eval",
            ["PROCESSING_TASK"] = "segmentation",
        };
        Train = DefaultTrain();
    }

    public string Root { get; }

    public JsonObject Environment { get; set; }

    public JsonObject Train { get; set; }

    public string ConfigPath => Path.Combine(Root, "config", "config_train.json");

    public static JsonObject DefaultTrain() => (JsonObject)JsonNode.Parse("""
        {
          "epochs": 1250,
          "num_training_epoch_per_valid": 20,
          "learning_rate": 1e-4,
          "multi_gpu": false,
          "train": {
            "loss": {"name": "Dice"},
            "optimizer": {"name": "Adam"},
            "model": {"name": "SegAhnet", "args": {"num_classes": 2}},
            "pre_transforms": [
              {"name": "LoadNifti", "args": {"fields": ["image", "label"]}},
              {"name": "ScaleByResolution#ScaleImg", "args": {"fields": "image", "target_resolution": [1.0, 1.0, 1.0]}},
              {"name": "ScaleByResolution#ScaleLb", "args": {"fields": "label", "is_label": true, "target_resolution": [1.0, 1.0, 1.0]}},
              {"name": "ScaleIntensityRange", "args": {"fields": "image", "a_min": -57, "a_max": 164, "b_min": 0.0, "b_max": 1.0, "clip": true}}
            ],
            "image_pipeline": {
              "name": "SegmentationImagePipelineWithCache",
              "args": {"data_list_file_path": "{DATASET_JSON}", "data_file_base_dir": "{DATA_ROOT}", "data_list_key": "training", "output_batch_size": 2}
            }
          },
          "validate": {
            "metrics": [{"name": "ComputeAverageDice", "args": {"name": "mean_dice", "is_key_metric": true, "field": "model", "label_field": "label"}}],
            "pre_transforms": [
              {"ref": "LoadNifti"},
              {"ref": "ScaleImg"},
              {"ref": "ScaleLb"},
              {"ref": "ScaleIntensityRange"}
            ],
            "image_pipeline": {
              "name": "SegmentationImagePipeline",
              "args": {"data_list_file_path": "{DATASET_JSON}", "data_file_base_dir": "{DATA_ROOT}", "data_list_key": "validation", "output_batch_size": 1}
            },
            "inferer": {"name": "TFScanWindowInferer", "args": {"roi_size": [160, 160, 160]}}
          }
        }
        """)!;

    /// <summary>Writes <see cref="Train"/> and <see cref="Environment"/> and loads them.</summary>
    public MmarLoadResult Read(params string[] set) => Read(null, set);

    public MmarLoadResult Read(ConfigKind? kind, params string[] set)
    {
        WriteText("config/config_train.json", Train.ToJsonString());
        WriteText("config/environment.json", Environment.ToJsonString());
        return MmarLoader.Read(new MmarLoadOptions { MmarRoot = Root, Set = set, Kind = kind });
    }

    /// <summary>Like <see cref="Read(string[])"/> but fails the test on any error, listing them.</summary>
    public MmarConfig Load(params string[] set)
    {
        var result = Read(set);
        NUnit.Framework.Assert.That(result.Problems.HasErrors, NUnit.Framework.Is.False, () => string.Join("\n", result.Problems.Items));
        return result.Config!;
    }

    public string WriteText(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Problem lookups that keep assertions short.</summary>
internal static class ProblemQueries
{
    public static IReadOnlyList<ConfigProblem> Errors(this ConfigProblems problems) => problems.Items.Where(p => !p.IsWarning).ToList();

    public static IReadOnlyList<ConfigProblem> Warnings(this ConfigProblems problems) => problems.Items.Where(p => p.IsWarning).ToList();

    public static ConfigProblem At(this ConfigProblems problems, string jsonPath)
    {
        var hits = problems.Items.Where(p => p.JsonPath == jsonPath).ToList();
        NUnit.Framework.Assert.That(hits, NUnit.Framework.Has.Count.EqualTo(1),
            () => $"expected one problem at {jsonPath}; all problems:\n{string.Join("\n", problems.Items)}");
        return hits[0];
    }
}
