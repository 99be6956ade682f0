using NUnit.Framework;
using Pipeline.Configuration;
using Pipeline.Inference;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inference;

/// <summary>The in-process API gives <c>mmar infer</c>'s masks for a path, a stream and a voxel array, concurrently, with progress and cancellation.</summary>
[NonParallelizable]
public sealed class MmarSegmenterTests
{
    private const string Validation = """
        {
          "pre_transforms": [
            { "name": "LoadNifti", "args": { "fields": "image" } },
            { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": -1.0, "a_max": 2.0, "b_min": 0.0, "b_max": 1.0, "clip": true } }
          ],
          "model_loader": { "name": "CheckpointLoader", "args": { "checkpoint_dir": "{MMAR_CKPT_DIR}" } },
          "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [32, 32, 16], "batch_size": 2, "mode": "gaussian" } },
          "post_transforms": [ { "name": "ArgmaxAcrossChannels", "args": { "fields": "model", "dtype": "uint8" } } ],
          "writers": [ { "name": "WriteNifti", "args": { "field": "model", "dtype": "uint8" } } ]
        }
        """;

    private string _dir = "";
    private string _image = "";
    private string _inferMask = "";
    private MmarSegmenter _segmenter = null!;

    [OneTimeSetUp]
    public void TrainAndInfer()
    {
        _dir = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace("\"epochs\": 2", "\"epochs\": 1", StringComparison.Ordinal));
        Assert.That(CliRun.Invoke("train", "-m", _dir).ExitCode, Is.EqualTo(ExitCodes.Success));
        File.WriteAllText(Path.Combine(_dir, "config", "config_validation.json"), Validation);
        _image = Path.Combine(_dir, "data", "i", "c.nii.gz");
        var infer = CliRun.Invoke("infer", "-m", _dir, "-i", _image, "-o", Path.Combine(_dir, "infer"));
        Assert.That(infer.ExitCode, Is.EqualTo(ExitCodes.Success), infer.ToString());
        _inferMask = Directory.GetFiles(Path.Combine(_dir, "infer"), "*_model.nii.gz", SearchOption.AllDirectories).Single();
        _segmenter = MmarSegmenter.Open(_dir);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        _segmenter.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private int[] InferLabels()
    {
        using var mask = NiftiReader.Read(_inferMask);
        using var labels = mask.Data.to_type(ScalarType.Int32).contiguous();
        return labels.data<int>().ToArray();
    }

    [Test]
    public void APathGivesMmarInfersMaskVoxelForVoxel()
    {
        var result = _segmenter.Segment(_image);

        using var mask = NiftiReader.Read(_inferMask);
        Assert.That(result.Shape, Is.EqualTo(mask.SpatialShape.Select(s => (int)s)));
        Assert.That(result.Affine.ApproximatelyEquals(mask.Affine), Is.True);
        Assert.That(result.Labels, Is.EqualTo(InferLabels()));
        Assert.That(result.Count(1), Is.GreaterThan(0), "the trained model finds the foreground");
    }

    [Test]
    public void AStreamAndAVoxelArrayGiveTheSameMask()
    {
        using var stream = File.OpenRead(_image);
        var fromStream = _segmenter.Segment(stream);
        using var image = NiftiReader.Read(_image);
        using var voxels = image.Data.to_type(ScalarType.Float32).contiguous();
        var volume = new ImageVolume(voxels.data<float>().ToArray(), [.. image.SpatialShape.Select(s => (int)s)], image.Affine);
        var fromArray = _segmenter.Segment(volume);

        Assert.That(fromStream.Labels, Is.EqualTo(InferLabels()));
        Assert.That(fromArray.Labels, Is.EqualTo(InferLabels()));
    }

    [Test]
    public void ProbabilitiesComeOnRequestAndAgreeWithTheLabels()
    {
        var plain = _segmenter.Segment(_image);
        var result = _segmenter.Segment(_image, probabilities: true);

        Assert.That(plain.Probabilities, Is.Null);
        Assert.That(result.ProbabilityChannels, Is.EqualTo(2));
        Assert.That(result.ProbabilityShape, Is.EqualTo(result.Shape));
        using var probabilities = tensor(result.Probabilities!, [2L, .. result.Shape.Select(s => (long)s)], ScalarType.Float32);
        Assert.That((probabilities.sum(dim: 0L) - 1).abs().max().item<float>(), Is.LessThan(1e-4f), "softmax over the classes");
        using var argmax = probabilities.argmax(dim: 0L).to_type(ScalarType.Int32).flatten();
        Assert.That(argmax.data<int>().ToArray(), Is.EqualTo(result.Labels));
    }

    [Test]
    public void ConcurrentCallsGiveTheSameResult()
    {
        var expected = InferLabels();
        var results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => _segmenter.Segment(_image).Labels).ToList();

        Assert.That(results, Has.All.EqualTo(expected));
    }

    [Test]
    public async Task ProgressReportsEveryStageAndCancellationStopsACall()
    {
        var stages = new List<SegmentationStage>();
        var progress = new SynchronousProgress(stages.Add);
        var result = await _segmenter.SegmentAsync(_image, progress: progress);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(stages, Is.EqualTo(new[]
        {
            SegmentationStage.Preparing, SegmentationStage.Queued, SegmentationStage.Inferring, SegmentationStage.PostProcessing, SegmentationStage.Done,
        }));
        Assert.That(result.Labels, Is.EqualTo(InferLabels()));
        Assert.That(() => _segmenter.Segment(_image, cancellation: cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void TheMaskWrittenAsNiftiIsInfersFile()
    {
        var path = Path.Combine(_dir, "api", "mask.nii.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        _segmenter.Segment(_image).WriteNifti(path);

        using var written = NiftiReader.Read(path);
        using var expected = NiftiReader.Read(_inferMask);
        Assert.That(written.Data.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(written.Data.eq(expected.Data).all().item<bool>(), Is.True);
        Assert.That(written.Affine.ApproximatelyEquals(expected.Affine), Is.True);
    }

    [Test]
    public void MistakesArePlainExceptions()
    {
        var wrong = new ImageVolume(new float[10], [4, 4, 4], Pipeline.Imaging.AffineMatrix.Identity);
        var config = Path.Combine(_dir, "config", "broken.json");
        File.WriteAllText(config, Validation.Replace("\"roi_size\": [32, 32, 16]", "\"roi_size\": [32, 32]", StringComparison.Ordinal)
            .Replace("ScaleIntensityRange", "ScaleIntensityRangeTypo", StringComparison.Ordinal));

        Assert.That(() => _segmenter.Segment(wrong), Throws.ArgumentException.With.Message.Contain("10 voxels"));
        Assert.That(() => _segmenter.Segment(Path.Combine(_dir, "missing.nii.gz")), Throws.InstanceOf<FileNotFoundException>());
        var error = Assert.Throws<ConfigException>(() => MmarSegmenter.Open(_dir, new SegmenterOptions { ConfigFile = "config/broken.json" }))!;
        Assert.That(error.Problems.Select(p => p.JsonPath), Does.Contain("pre_transforms[1]").Or.Contain("pre_transforms[1].name"));
    }

    // Progress<T> posts to the thread pool; the test wants the reports in order as they happen.
    private sealed class SynchronousProgress(Action<SegmentationStage> report) : IProgress<SegmentationStage>
    {
        public void Report(SegmentationStage value) => report(value);
    }
}
