using NUnit.Framework;
using Pipeline.Runner;
using Pipeline.Tests.Runner;

namespace Pipeline.Tests.Onnx;

/// <summary><c>mmar export</c> then <c>mmar validate</c> with <c>OnnxModelLoader</c>: the same masks and Dice as the checkpoint gives.</summary>
[NonParallelizable]
public sealed class OnnxBackendCommandTests
{
    private string _dir = "";

    [SetUp]
    public void Train()
    {
        _dir = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace("\"epochs\": 2", "\"epochs\": 1", StringComparison.Ordinal));
        var train = CliRun.Invoke("train", "-m", _dir);
        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.ToString());
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private void WriteValidation(string file, string loader) => File.WriteAllText(Path.Combine(_dir, "config", file), $$"""
        {
          "pre_transforms": [ { "name": "LoadNifti", "args": { "fields": ["image", "label"] } } ],
          "model_loader": {{loader}},
          "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [32, 32, 16], "batch_size": 2 } },
          "post_transforms": [ { "name": "ArgmaxAcrossChannels", "args": { "fields": "model", "dtype": "uint8" } } ],
          "val_metrics": [ { "name": "ComputeAverageDice", "args": { "name": "dice", "field": "model", "label_field": "label" } } ],
          "writers": [ { "name": "WriteNifti", "args": { "field": "model", "dtype": "uint8" } } ]
        }
        """);

    [Test]
    public void TheExportedModelGivesTheCheckpointsMasksAndDice()
    {
        var export = CliRun.Invoke("export", "-m", _dir);
        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Success), export.ToString());
        Assert.That(export.Output, Does.Contain("model.onnx").And.Contain("SegResnet"));
        WriteValidation("torch.json", """{ "name": "CheckpointLoader", "args": { "checkpoint_dir": "{MMAR_CKPT_DIR}" } }""");
        // Two sessions (device_ids), as on two GPUs: window batches spread over them.
        WriteValidation("onnx.json", """{ "name": "OnnxModelLoader", "args": { "model_file_path": "{MMAR_CKPT_DIR}/model.onnx", "execution_providers": ["cpu"], "device_ids": [0, 1] } }""");

        Assert.That(CliRun.Invoke("check", "-m", _dir, "-c", "config/onnx.json").ExitCode, Is.EqualTo(ExitCodes.Success));
        var torch = CliRun.Invoke("validate", "-m", _dir, "-c", "config/torch.json", "--set", "MMAR_EVAL_OUTPUT_PATH=eval_torch");
        var onnx = CliRun.Invoke("validate", "-m", _dir, "-c", "config/onnx.json", "--set", "MMAR_EVAL_OUTPUT_PATH=eval_onnx");

        Assert.That(torch.ExitCode, Is.EqualTo(ExitCodes.Success), torch.ToString());
        Assert.That(onnx.ExitCode, Is.EqualTo(ExitCodes.Success), onnx.ToString());
        var torchMasks = Directory.GetFiles(Path.Combine(_dir, "eval_torch"), "*_model.nii.gz", SearchOption.AllDirectories).Order().ToList();
        Assert.That(torchMasks, Is.Not.Empty);
        foreach (var mask in torchMasks)
        {
            using var a = Pipeline.ImageIO.Nifti.NiftiReader.Read(mask);
            using var b = Pipeline.ImageIO.Nifti.NiftiReader.Read(mask.Replace("eval_torch", "eval_onnx", StringComparison.Ordinal));
            var differing = a.Data.ne(b.Data).sum().item<long>();
            Assert.That(differing, Is.LessThanOrEqualTo(a.Data.numel() / 1000), $"{Path.GetFileName(mask)}: {differing} voxels differ");
        }
        var torchDice = Pipeline.Workflows.Evaluation.EvaluationReport.Read(Path.Combine(_dir, "eval_torch")).Summarize("dice").Mean;
        var onnxDice = Pipeline.Workflows.Evaluation.EvaluationReport.Read(Path.Combine(_dir, "eval_onnx")).Summarize("dice").Mean;
        Assert.That(onnxDice, Is.EqualTo(torchDice).Within(1e-3));
    }

    [Test]
    public void TheFloat16ModelKeepsTheCheckpointsMasks()
    {
        var export = CliRun.Invoke("export", "-m", _dir, "--precision", "fp16", "-o", "model_fp16.onnx");
        Assert.That(export.ExitCode, Is.EqualTo(ExitCodes.Success), export.ToString());
        Assert.That(export.Output, Does.Contain("in fp16"));
        WriteValidation("torch.json", """{ "name": "CheckpointLoader", "args": { "checkpoint_dir": "{MMAR_CKPT_DIR}" } }""");
        WriteValidation("fp16.json", """{ "name": "OnnxModelLoader", "args": { "model_file_path": "{MMAR_CKPT_DIR}/model_fp16.onnx" } }""");

        var torch = CliRun.Invoke("validate", "-m", _dir, "-c", "config/torch.json", "--set", "MMAR_EVAL_OUTPUT_PATH=eval_torch");
        var fp16 = CliRun.Invoke("validate", "-m", _dir, "-c", "config/fp16.json", "--set", "MMAR_EVAL_OUTPUT_PATH=eval_fp16");

        Assert.That(torch.ExitCode, Is.EqualTo(ExitCodes.Success), torch.ToString());
        Assert.That(fp16.ExitCode, Is.EqualTo(ExitCodes.Success), fp16.ToString());
        long voxels = 0, differing = 0;
        foreach (var mask in Directory.GetFiles(Path.Combine(_dir, "eval_torch"), "*_model.nii.gz", SearchOption.AllDirectories))
        {
            using var a = Pipeline.ImageIO.Nifti.NiftiReader.Read(mask);
            using var b = Pipeline.ImageIO.Nifti.NiftiReader.Read(mask.Replace("eval_torch", "eval_fp16", StringComparison.Ordinal));
            voxels += a.Data.numel();
            differing += a.Data.ne(b.Data).sum().item<long>();
        }
        TestContext.Progress.WriteLine($"onnx fp16 | trained SegResnet, whole volumes | {differing} of {voxels} voxels differ from the checkpoint's masks");
        Assert.That(voxels, Is.GreaterThan(0));
        Assert.That(1 - (double)differing / voxels, Is.GreaterThanOrEqualTo(0.995));
    }

    // The CPU build lacks the GPU providers; the GPU build (-p:OnnxRuntimeGpu=true) carries them, and on a machine
    // without CUDA its providers lack their libraries. Either way the error names what is missing.
    private static string ExpectedReason(Pipeline.Onnx.ExecutionProvider provider) =>
        Pipeline.Onnx.OnnxSessions.Built.Contains(provider) ? "is not installed" : "-p:OnnxRuntimeGpu=true";

    [TestCase("cuda", Pipeline.Onnx.ExecutionProvider.Cuda)]
    [TestCase("tensorrt", Pipeline.Onnx.ExecutionProvider.Tensorrt)]
    public void AnUnavailableExecutionProviderIsAPlainErrorNamingWhatIsMissing(string name, Pipeline.Onnx.ExecutionProvider provider)
    {
        Assume.That(Pipeline.Onnx.OnnxSessions.Unavailable(provider), Is.Not.Null, "this machine runs the provider");
        Assert.That(CliRun.Invoke("export", "-m", _dir).ExitCode, Is.EqualTo(ExitCodes.Success));
        WriteValidation("gpu.json", $$"""{ "name": "OnnxModelLoader", "args": { "model_file_path": "{MMAR_CKPT_DIR}/model.onnx", "execution_providers": ["{{name}}", "cpu"] } }""");

        var check = CliRun.Invoke("check", "-m", _dir, "-c", "config/gpu.json");
        var run = CliRun.Invoke("validate", "-m", _dir, "-c", "config/gpu.json");

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.ConfigError), check.ToString());
        Assert.That(check.Error, Does.Contain("model_loader.args.execution_providers[0]").And.Contain(ExpectedReason(provider)));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain($"{name} execution provider").And.Contain(ExpectedReason(provider)).And.Not.Contain("   at "));
        Assert.That(Directory.Exists(Path.Combine(_dir, "eval")), Is.False, "nothing is evaluated");
    }

    [Test]
    public void AnUnknownExecutionProviderIsAConfigErrorListingTheKnownOnes()
    {
        WriteValidation("typo.json", """{ "name": "OnnxModelLoader", "args": { "model_file_path": "{MMAR_CKPT_DIR}/model.onnx", "execution_providers": ["cudnn"] } }""");

        var check = CliRun.Invoke("check", "-m", _dir, "-c", "config/typo.json");

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.ConfigError), check.ToString());
        Assert.That(check.Error, Does.Contain("model_loader.args.execution_providers[0]").And.Contain("one of cpu, cuda, tensorrt"));
    }

    [Test]
    public void ANonOnnxFileIsRefusedByCheckAtItsPath()
    {
        WriteValidation("bad.json", """{ "name": "OnnxModelLoader", "args": { "model_file_path": "{MMAR_CKPT_DIR}/model.ckpt" } }""");

        var run = CliRun.Invoke("check", "-m", _dir, "-c", "config/bad.json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("model_loader.args.model_file_path"));
    }
}
