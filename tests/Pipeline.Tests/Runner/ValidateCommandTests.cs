using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Networks.Models;
using Pipeline.Runner;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Runner;

/// <summary><c>mmar validate</c> and <c>mmar infer</c> run config_validation.json end to end: reports, predictions, bad inputs, re-runs, shards and their merge.</summary>
public sealed class ValidateCommandTests
{
    private const int Cases = 5;
    private string _dir = "";

    private string Eval => Path.Combine(_dir, "eval");

    [SetUp]
    public void CreateMmar()
    {
        _dir = Directory.CreateTempSubdirectory("validate-").FullName;
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        File.WriteAllText(Path.Combine(_dir, "config", "environment.json"),
            """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json", "MMAR_CKPT_DIR": "models", "MMAR_EVAL_OUTPUT_PATH": "eval" }""");
        var items = string.Join(", ", Enumerable.Range(0, Cases).Select(i => $$"""{ "image": "i/case{{i}}.nii.gz", "label": "l/case{{i}}.nii.gz" }"""));
        WriteDatalist($$"""{ "validation": [ {{items}} ], "empty": [] }""");
        WriteConfig();
        manual_seed(5);
        for (var i = 0; i < Cases; i++) WriteCase(i, [24, 20, 16]);
        manual_seed(11);
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2, blocksDown: [1, 1, 1], blocksUp: [1, 1]);
        model.RecordInputShape([16, 16, 8]);
        var spec = new NetworkSpec("SegResnet", new JsonObject { ["num_classes"] = 2, ["init_filters"] = 2, ["use_group_normG"] = 2, ["blocks_down"] = "1,1,1", ["blocks_up"] = "1,1" });
        using var checkpoint = Checkpoint.Capture(model, spec);
        CheckpointFile.Write(Path.Combine(_dir, "models", "model.ckpt"), checkpoint);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private void WriteDatalist(string json) => File.WriteAllText(Path.Combine(_dir, "config", "dataset.json"), json);

    private void WriteConfig(string writePath = "{MMAR_EVAL_OUTPUT_PATH}") =>
        File.WriteAllText(Path.Combine(_dir, "config", "config_validation.json"), $$"""
            {
              "pre_transforms": [ { "name": "LoadNifti", "args": { "fields": "image" } } ],
              "model_loader": { "name": "CheckpointLoader", "args": { "checkpoint_dir": "{MMAR_CKPT_DIR}" } },
              "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [16, 16, 8], "batch_size": 4 } },
              "post_transforms": [ { "name": "ArgmaxAcrossChannels", "args": { "fields": "model", "dtype": "uint8" } } ],
              "label_transforms": [ { "name": "LoadNifti", "args": { "fields": "label" } } ],
              "val_metrics": [
                { "name": "ComputeAverageDice", "args": { "name": "dice", "field": "model", "label_field": "label", "remove_bg": false, "report_path": "{MMAR_EVAL_OUTPUT_PATH}" } },
                { "name": "ComputeAverageDice", "args": { "name": "fg_dice", "field": "model", "label_field": "label" } }
              ],
              "writers": [ { "name": "WriteNifti", "args": { "field": "model", "dtype": "uint8", "write_path": "{{writePath}}" } } ]
            }
            """);

    private void WriteCase(int index, long[] shape, long[]? labelShape = null)
    {
        var affine = AffineMatrix.Diagonal(1.5, 1.5, 3);
        using var image = new MedicalImage(rand(new long[] { 1, shape[0], shape[1], shape[2] }), affine);
        NiftiWriter.Write(image, Path.Combine(_dir, "data", "i", $"case{index}.nii.gz"));
        var ls = labelShape ?? shape;
        using var label = new MedicalImage((rand(new long[] { 1, ls[0], ls[1], ls[2] }) > 0.6).to(ScalarType.Byte), affine);
        NiftiWriter.Write(label, Path.Combine(_dir, "data", "l", $"case{index}.nii.gz"));
    }

    private static string[] ReportFiles => ["per_image.csv", "metrics.json", "dice_raw_results.txt", "dice_summary_results.txt"];

    [Test]
    public void ValidateWritesReportsAndOnePredictionPerImageOnItsGrid()
    {
        var run = CliRun.Invoke("validate", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("dice: mean").And.Contain($"done: {Cases} evaluated, 0 skipped, 0 failed"));
        foreach (var file in ReportFiles) Assert.That(File.Exists(Path.Combine(Eval, file)), Is.True, file);
        Assert.That(File.Exists(Path.Combine(Eval, "fg_dice_raw_results.txt")), Is.False, "only metrics with report_path get the text reports");
        var raw = File.ReadAllLines(Path.Combine(Eval, "dice_raw_results.txt"));
        Assert.That(raw, Has.Length.EqualTo(Cases));
        Assert.That(raw[0], Does.StartWith(Path.Combine(_dir, "data", "i", "case0.nii.gz") + "\t"));
        var values = raw.Select(l => double.Parse(l.Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var summary = File.ReadAllText(Path.Combine(Eval, "dice_summary_results.txt"));
        Assert.That(summary, Does.Contain($"count: {Cases}").And.Contain("nan_count: 0"));
        var mean = summary.Split('\n').Single(l => l.StartsWith("mean: ", StringComparison.Ordinal))["mean: ".Length..];
        Assert.That(double.Parse(mean, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(values.Average()).Within(1e-12));
        var csv = File.ReadAllLines(Path.Combine(Eval, "per_image.csv"));
        Assert.That(csv[0], Is.EqualTo("index,image,status,dice,fg_dice,dice_class0,dice_class1,error"), "every metric and each class of a per-class Dice");
        Assert.That(csv, Has.Length.EqualTo(Cases + 1));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(Eval, "metrics.json")))!;
        Assert.That(metrics["metrics"]!["dice"]!["mean"]!.GetValue<double>(), Is.EqualTo(values.Average()).Within(1e-12));
        Assert.That(metrics["failed"]!.GetValue<int>(), Is.Zero);

        var prediction = NiftiReader.Read(Path.Combine(Eval, "case3", "case3_model.nii.gz"));
        Assert.That(prediction.SpatialShape, Is.EqualTo(new long[] { 24, 20, 16 }));
        Assert.That(prediction.Affine.ApproximatelyEquals(AffineMatrix.Diagonal(1.5, 1.5, 3)), Is.True);
        prediction.Dispose();
        Assert.That(Directory.GetFiles(Eval, "*.tmp", SearchOption.AllDirectories), Is.Empty, "atomic writes leave no temp files");
    }

    [Test]
    public void ThreeMergedShardsWriteTheSameReportsAsOneRun()
    {
        Assert.That(CliRun.Invoke("validate", "-m", _dir, "--set", "output_infer_result=false").ExitCode, Is.EqualTo(ExitCodes.Success));
        var single = ReportFiles.ToDictionary(f => f, f => File.ReadAllText(Path.Combine(Eval, f)));
        foreach (var f in ReportFiles) File.Delete(Path.Combine(Eval, f));

        for (var s = 0; s < 3; s++)
        {
            var shard = CliRun.Invoke("validate", "-m", _dir, "--shard", $"{s}/3", "--set", "output_infer_result=false");
            Assert.That(shard.ExitCode, Is.EqualTo(ExitCodes.Success), shard.ToString());
            Assert.That(shard.Output, Does.Contain($"evaluating {(s < 2 ? 2 : 1)} input(s) (shard {s} of 3"));
        }
        var shards = Enumerable.Range(0, 3).Select(s => Path.Combine(Eval, $"shard-{s}-of-3")).ToArray();
        var merge = CliRun.Invoke(["validate", "-m", _dir, "--merge", .. shards]);

        Assert.That(merge.ExitCode, Is.EqualTo(ExitCodes.Success), merge.ToString());
        foreach (var f in ReportFiles) Assert.That(File.ReadAllText(Path.Combine(Eval, f)), Is.EqualTo(single[f]), f);
    }

    [Test]
    public void MergeNamesAMissingShard()
    {
        Assert.That(CliRun.Invoke("validate", "-m", _dir, "--shard", "0/2", "--set", "output_infer_result=false").ExitCode, Is.EqualTo(ExitCodes.Success));

        var merge = CliRun.Invoke("validate", "-m", _dir, "--merge", Path.Combine(Eval, "shard-0-of-2"));

        Assert.That(merge.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(merge.Error, Does.Contain("shard(s) 1 of 2 are missing"));
    }

    [Test]
    public void ShardComesFromASlurmArrayTask()
    {
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", "1");
        Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_COUNT", "2");
        try
        {
            var run = CliRun.Invoke("validate", "-m", _dir, "--set", "output_infer_result=false");
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
            var csv = File.ReadAllLines(Path.Combine(Eval, "shard-1-of-2", "per_image.csv"));
            Assert.That(csv.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(new[] { "1", "3" }), "every second item from offset 1");
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_ID", null);
            Environment.SetEnvironmentVariable("SLURM_ARRAY_TASK_COUNT", null);
        }
    }

    [Test]
    public void BadInputsFailAloneAndAreNamedWhileTheOthersAreEvaluated()
    {
        File.WriteAllBytes(Path.Combine(_dir, "data", "i", "case1.nii.gz"), [0x1f, 0x8b, 8, 0, 1, 2, 3]);
        WriteCase(2, [24, 20, 16], labelShape: [24, 20, 12]);

        var run = CliRun.Invoke("validate", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.Output, Does.Contain("failed: " + Path.Combine(_dir, "data", "i", "case1.nii.gz")));
        Assert.That(run.Output, Does.Contain("label " + Path.Combine(_dir, "data", "l", "case2.nii.gz") + " has shape [24, 20, 12]"));
        Assert.That(run.Output, Does.Contain("done: 3 evaluated, 0 skipped, 2 failed"));
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(Eval, "metrics.json")))!;
        Assert.That(metrics["failed"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(metrics["metrics"]!["dice"]!["count"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(File.ReadAllLines(Path.Combine(Eval, "dice_summary_results.txt")), Does.Contain("failed: 2"));
    }

    [Test]
    public void AMissingInputStopsBeforeAnythingRunsAsCheckSays()
    {
        var missing = Path.Combine(_dir, "data", "i", "case1.nii.gz");
        File.Delete(missing);

        var run = CliRun.Invoke("validate", "-m", _dir);
        var check = CliRun.Invoke("check", "-m", _dir, "-c", "config/config_validation.json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain($"validation[1].image: error: {missing} does not exist"));
        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.ConfigError), check.ToString());
        Assert.That(check.Error, Is.EqualTo(run.Error));
        Assert.That(Directory.Exists(Eval), Is.False);
    }

    [Test]
    public void AnEmptyDatalistKeyStopsBeforeWritingAnything()
    {
        var run = CliRun.Invoke("validate", "-m", _dir, "--set", "DATA_LIST_KEY=empty");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("empty").And.Contain("the list is empty"));
        Assert.That(Directory.Exists(Eval), Is.False);
    }

    [Test]
    public void AWritePathOutsideTheOutputFolderStopsBeforeWritingAnything()
    {
        WriteConfig(writePath: "{MMAR_EVAL_OUTPUT_PATH}/../elsewhere");

        var run = CliRun.Invoke("validate", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("lies outside the output folder"));
        Assert.That(Directory.Exists(Eval), Is.False);
        Assert.That(Directory.Exists(Path.Combine(_dir, "elsewhere")), Is.False);
    }

    [Test]
    public void ARerunSkipsImagesWhoseOutputsExistUnlessOverwriting()
    {
        Assert.That(CliRun.Invoke("validate", "-m", _dir).ExitCode, Is.EqualTo(ExitCodes.Success));
        var first = File.ReadAllText(Path.Combine(Eval, "dice_raw_results.txt"));
        File.Delete(Path.Combine(Eval, "case4", "case4_model.nii.gz"));

        var again = CliRun.Invoke("validate", "-m", _dir);

        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Success), again.ToString());
        Assert.That(again.Output, Does.Contain("done: 1 evaluated, 4 skipped, 0 failed"));
        Assert.That(File.ReadAllText(Path.Combine(Eval, "dice_raw_results.txt")), Is.EqualTo(first), "skipped images keep their values");
        Assert.That(CliRun.Invoke("validate", "-m", _dir, "--overwrite").Output, Does.Contain($"done: {Cases} evaluated, 0 skipped"));
    }

    [Test]
    public void InferSegmentsAFolderIntoTheOutputFolderWithoutLabels()
    {
        var output = Path.Combine(_dir, "predictions");

        var run = CliRun.Invoke("infer", "-m", _dir, "--input", Path.Combine(_dir, "data", "i"), "-o", output);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        for (var i = 0; i < Cases; i++) Assert.That(File.Exists(Path.Combine(output, $"case{i}", $"case{i}_model.nii.gz")), Is.True);
        Assert.That(File.ReadAllLines(Path.Combine(output, "per_image.csv"))[0], Is.EqualTo("index,image,status,error"), "no metrics without labels");
        Assert.That(Directory.Exists(Eval), Is.False);
    }
}
