using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using Onnx;
using Pipeline.Networks.Checkpoints;
using Pipeline.Networks.Weights;
using Pipeline.Onnx;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary><c>mmar export</c> from an MMAR (with the training geometry in the metadata) and from a spec file and weights without one.</summary>
[NonParallelizable]
public sealed class OnnxExportCommandTests
{
    private const string Spec = """{ "name": "SegResnet", "args": { "num_classes": 2, "init_filters": 4, "use_group_normG": 4, "blocks_down": "1,1,1", "blocks_up": "1,1" } }""";

    private string _dir = "";

    [OneTimeSetUp]
    public void Train()
    {
        _dir = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace("\"epochs\": 2", "\"epochs\": 1", StringComparison.Ordinal));
        var train = CliRun.Invoke("train", "-m", _dir);
        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.ToString());
        File.WriteAllText(Path.Combine(_dir, "spec.json"), Spec);
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, string> Metadata(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(stream).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
    }

    [Test]
    public void TheSpacingAndOrientationOfTheValidationTransformsAreInTheMetadata()
    {
        var config = Path.Combine(_dir, "config", "geometry.json");
        File.WriteAllText(config, TinyTrainingMmar.Config.Replace("\"pre_transforms\": [ { \"ref\": \"LoadNifti\" } ]", """
            "pre_transforms": [
              { "name": "LoadNifti", "args": { "fields": ["image", "label"], "as_closest_canonical": true } },
              { "name": "Orientation", "args": { "fields": ["image", "label"], "axcodes": "LPS" } },
              { "name": "ScaleByResolution", "args": { "fields": ["image"], "target_resolution": [1.5, 1.5, 2.0] } },
              { "name": "ScaleByResolution", "args": { "fields": ["label"], "target_resolution": [1.5, 1.5, 2.0], "is_label": true } }
            ]
            """, StringComparison.Ordinal));

        var run = CliRun.Invoke("export", "-m", _dir, "-c", "config/geometry.json", "-o", "geometry.onnx");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("spacing 1.5, 1.5, 2, orientation LPS"));
        var metadata = Metadata(Path.Combine(_dir, "models", "geometry.onnx"));
        Assert.That(metadata[OnnxModelMetadata.Spacing], Is.EqualTo("[1.5,1.5,2]"));
        Assert.That(metadata[OnnxModelMetadata.Orientation], Is.EqualTo("LPS"));
        Assert.That(metadata[OnnxModelMetadata.Precision], Is.EqualTo("fp32"));
    }

    [Test]
    public void ImagesKeptAsLoadedRecordNoGeometry()
    {
        var run = CliRun.Invoke("export", "-m", _dir, "-o", "plain.onnx");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("spacing as loaded, orientation as loaded"));
        Assert.That(Metadata(Path.Combine(_dir, "models", "plain.onnx")).Keys, Has.None.EqualTo(OnnxModelMetadata.Spacing).And.None.EqualTo(OnnxModelMetadata.Orientation));
    }

    [Test]
    public void ASpecAndACheckpointOrAStateDictExportTheSameModelWithoutAnMmar()
    {
        Assert.That(CliRun.Invoke("export", "-m", _dir, "-o", "reference.onnx").ExitCode, Is.EqualTo(ExitCodes.Success));
        var outside = Directory.CreateTempSubdirectory("export-spec-").FullName;
        try
        {
            // A MONAI-style state dict: the checkpoint's tensors under a DataParallel "module." prefix.
            using (var checkpoint = CheckpointFile.Read(Path.Combine(_dir, "models", "model.ckpt")))
                SafetensorsWriter.Write(Path.Combine(outside, "monai.safetensors"), checkpoint.Weights.ToDictionary(p => "module." + p.Key, p => p.Value));

            var fromCheckpoint = CliRun.Invoke("export", "--model", Path.Combine(_dir, "spec.json"), "--from", Path.Combine(_dir, "models", "model.ckpt"),
                "--input-shape", "32,32,16", "-o", Path.Combine(outside, "from_ckpt.onnx"));
            var fromStateDict = CliRun.Invoke("export", "--model", Path.Combine(_dir, "spec.json"), "--from", Path.Combine(outside, "monai.safetensors"),
                "--input-shape", "32,32,16", "--precision", "fp32");

            Assert.That(fromCheckpoint.ExitCode, Is.EqualTo(ExitCodes.Success), fromCheckpoint.ToString());
            Assert.That(fromStateDict.ExitCode, Is.EqualTo(ExitCodes.Success), fromStateDict.ToString());
            Assert.That(fromStateDict.Output, Does.Contain("monai.onnx").And.Contain("training geometry: none known"));
            foreach (var file in new[] { "from_ckpt.onnx", "monai.onnx" })
            {
                using var session = new OnnxRuntimeNetwork(new InferenceSession(Path.Combine(outside, file)));
                using var expected = new OnnxRuntimeNetwork(new InferenceSession(Path.Combine(_dir, "models", "reference.onnx")));
                using var scope = NewDisposeScope();
                var input = randn([1, 1, 32, 32, 16]);
                Assert.That(session.call(input).eq(expected.call(input)).all().item<bool>(), Is.True, file);
            }
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Test]
    public void WeightsOfAnotherNetworkArePlainDataErrors()
    {
        File.WriteAllText(Path.Combine(_dir, "wider.json"), Spec.Replace("\"init_filters\": 4", "\"init_filters\": 8", StringComparison.Ordinal));

        var run = CliRun.Invoke("export", "--model", Path.Combine(_dir, "wider.json"), "--from", Path.Combine(_dir, "models", "model.ckpt"),
            "--input-shape", "32,32,16", "-o", Path.Combine(_dir, "wider.onnx"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.Error, Does.Contain("model.ckpt").And.Contain("not a SegResnet").And.Not.Contain("   at "));
        Assert.That(File.Exists(Path.Combine(_dir, "wider.onnx")), Is.False);
    }

    [TestCase("both")]
    [TestCase("model only")]
    [TestCase("checkpoint without mmar")]
    [TestCase("nothing")]
    public void AnAmbiguousSourceIsACommandLineError(string form)
    {
        var spec = Path.Combine(_dir, "spec.json");
        var ckpt = Path.Combine(_dir, "models", "model.ckpt");
        string[] args = form switch
        {
            "both" => ["export", "-m", _dir, "--model", spec, "--from", ckpt],
            "model only" => ["export", "--model", spec],
            "checkpoint without mmar" => ["export", "--model", spec, "--from", ckpt, "--checkpoint", ckpt],
            _ => ["export"],
        };

        var run = CliRun.Invoke(args);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("--model SPEC.json --from"));
    }
}
