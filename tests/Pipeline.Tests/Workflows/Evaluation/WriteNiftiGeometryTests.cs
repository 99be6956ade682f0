using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Inferers;
using Pipeline.Transforms.Labels;
using Pipeline.Transforms.Loading;
using Pipeline.ImageIO.Nifti;
using Pipeline.Transforms.Spatial;
using Pipeline.Workflows.Evaluation;
using Pipeline.Workflows.Evaluation.Writers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Evaluation;

/// <summary>
/// WriteNifti puts the prediction on the input file's own grid: golden inputs from nibabel (anisotropic, LSA, oblique) go
/// through reorientation, resampling and padding, and the written mask has the input's shape and affine, with the
/// object where nibabel says it is.
/// </summary>
public sealed class WriteNiftiGeometryTests
{
    private static readonly string FixtureDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "evaluation");
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("eval-geometry-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<string> Cases() => ["anisotropic", "lsa", "oblique"];

    [TestCaseSource(nameof(Cases))]
    public void ReorientedAndPaddedPredictionsLandOnTheOriginalVoxelsExactly(string name)
    {
        var (facts, written) = Evaluate(name, resample: false);

        AssertSameGrid(facts, written);
        using var expected = BoxMask(facts);
        Assert.That(written.Data[0].to(ScalarType.Byte).equal(expected).all().item<bool>(), Is.True,
            "an orientation change and a pad are undone exactly: every voxel of the box, and only those, is 1");
        written.Dispose();
    }

    [TestCaseSource(nameof(Cases))]
    public void ResampledPredictionsComeBackOnTheOriginalGridAtTheSameWorldPosition(string name)
    {
        var (facts, written) = Evaluate(name, resample: true);

        AssertSameGrid(facts, written);
        using var expected = BoxMask(facts);
        using var mask = written.Data[0].to(ScalarType.Byte);
        var overlap = (mask * expected).sum().item<long>();
        var dice = 2.0 * overlap / (mask.sum().item<long>() + expected.sum().item<long>());
        Assert.That(dice, Is.GreaterThan(0.7), "a 1 mm round trip blurs the edges but keeps the box in place");
        var centroid = WorldCentroid(mask, written.Affine);
        var spacing = written.Spacing.Max();
        var expectedCentroid = facts["centroid_world"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        for (var a = 0; a < 3; a++)
            Assert.That(centroid[a], Is.EqualTo(expectedCentroid[a]).Within(spacing / 2), $"world centroid, axis {a}");
        written.Dispose();
    }

    private (JsonObject Facts, MedicalImage Written) Evaluate(string name, bool resample)
    {
        var facts = JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDir, name + ".json")))!.AsObject();
        var input = Path.Combine(_dir, "in", name + ".nii.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        File.Copy(Path.Combine(FixtureDir, name + ".nii.gz"), input);
        var output = Path.Combine(_dir, "out");

        List<ITransform> pre = [new LoadNifti(["image"]), new SetOrientation(["image"], "RAS")];
        if (resample) pre.Add(new ScaleByResolution(["image"], [1.0, 1.0, 1.0]));
        pre.Add(new SymmetricPadderDiv(["image"], [16]));
        var writer = new WriteNifti("model", "uint8", output);
        using var network = new IntensityAsTwoClasses();
        var setup = new EvaluationSetup(network, new SimpleInferer(), new TransformChain(pre),
            new TransformChain([new ArgmaxAcrossChannels(["model"], "uint8")]), new TransformChain([]), [], [writer]);
        var items = new[] { DatalistItem.ForImage(0, input) };
        var plan = OutputPlan.Create(items, [writer], new Pipeline.IO.OutputFolder(output, "test"));
        Assert.That(plan.Problems, Is.Empty);

        var outcomes = new BulkEvaluator(setup, new EvaluationSettings(false, true, false, output)).Run(items, plan, new Dictionary<int, ItemOutcome>(), TextWriter.Null);

        Assert.That(outcomes.Single().Status, Is.EqualTo(ItemStatus.Evaluated), outcomes.Single().Error);
        var file = Path.Combine(output, name, name + "_model.nii.gz");
        Assert.That(File.Exists(file), Is.True, "one folder per input, named after the image stem");
        Assert.That(NiftiReader.ReadHeader(file).DataType, Is.EqualTo(NiftiDataType.UInt8));
        return (facts, NiftiReader.Read(file));
    }

    private static void AssertSameGrid(JsonObject facts, MedicalImage written)
    {
        Assert.That(written.SpatialShape, Is.EqualTo(facts["shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray()), "the input file's shape");
        var expected = facts["affine"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var actual = written.Affine.ToRowMajor();
        for (var i = 0; i < 16; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-5), $"affine entry {i / 4},{i % 4}");
        Assert.That(written.Channels, Is.EqualTo(1));
    }

    private static Tensor BoxMask(JsonObject facts)
    {
        var shape = facts["shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
        var box = facts["box"]!.AsArray().Select(b => b!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
        var mask = zeros(shape, ScalarType.Byte);
        mask[TensorIndex.Slice(box[0][0], box[0][1]), TensorIndex.Slice(box[1][0], box[1][1]), TensorIndex.Slice(box[2][0], box[2][1])] = 1;
        Assert.That(mask.sum().item<long>(), Is.EqualTo(facts["foreground_voxels"]!.GetValue<long>()));
        return mask;
    }

    private static double[] WorldCentroid(Tensor mask, AffineMatrix affine)
    {
        using var indices = mask.nonzero().to(ScalarType.Float64);
        var mean = indices.mean([0L]).data<double>().ToArray();
        var (x, y, z) = affine.Apply(mean[0], mean[1], mean[2]);
        return [x, y, z];
    }
}
