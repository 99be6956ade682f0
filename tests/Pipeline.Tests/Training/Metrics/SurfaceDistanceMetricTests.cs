using NUnit.Framework;
using Pipeline.Training.Metrics;
using static Pipeline.Tests.Training.Metrics.MetricInputs;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Metrics;

/// <summary>HD95 and average surface distance on shapes with hand-derived or scipy-derived distances, in mm.</summary>
public sealed class SurfaceDistanceMetricTests
{
    /// <summary>A [1, 1, D, H, W] class map that is 1 where <paramref name="inside"/> holds.</summary>
    private static Tensor Mask(int d, int h, int w, Func<int, int, int, bool> inside)
    {
        var values = new long[d * h * w];
        for (var z = 0; z < d; z++)
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                    values[(z * h + y) * w + x] = inside(z, y, x) ? 1 : 0;
        return tensor(values, [1, 1, d, h, w]);
    }

    /// <summary>Two-channel probabilities whose argmax is <paramref name="classMap"/>.</summary>
    private static Tensor TwoClass(Tensor classMap)
    {
        var fg = classMap.to(ScalarType.Float32);
        return cat([1 - fg, fg], 1);
    }

    private static bool Cube(int z, int y, int x, int z0) => z >= z0 && z < z0 + 4 && y >= 2 && y < 6 && x >= 2 && x < 6;

    private static double Measure(SurfaceDistanceMetric metric, Tensor predictionMap, Tensor label, Tensor? spacing = null)
    {
        var fields = Fields(TwoClass(predictionMap), label);
        if (spacing is not null) fields["label_spacing"] = spacing;
        metric.Update(fields, Ids((int)label.shape[0]));
        return metric.Aggregate().Value;
    }

    // Cubes of side 4 two voxels apart along the first axis: of 56 surface voxels per cube, 24 are at 0, 16 at 1 and
    // 16 at 2 voxels from the other surface (the same both ways).
    [Test]
    public void OffsetCubesHaveTheHandCountedDistances()
    {
        var a = Mask(12, 12, 12, (z, y, x) => Cube(z, y, x, 2));
        var b = Mask(12, 12, 12, (z, y, x) => Cube(z, y, x, 4));
        Assert.That(Measure(new HausdorffDistance95(), a, b), Is.EqualTo(2.0).Within(1e-12));
        Assert.That(Measure(new AverageSurfaceDistance(), a, b), Is.EqualTo(48.0 / 56).Within(1e-12));
    }

    // With 3 mm along the shift axis the 16 far voxels are at 6 mm, the 12 ring voxels at 3 mm, and the 4 inner
    // voxels of the overlapping face stay 1 mm from the side faces.
    [Test]
    public void AnisotropicSpacingFromTheArgOrTheBatch()
    {
        var a = Mask(12, 12, 12, (z, y, x) => Cube(z, y, x, 2));
        var b = Mask(12, 12, 12, (z, y, x) => Cube(z, y, x, 4));
        Assert.That(Measure(new HausdorffDistance95(spacing: [3.0, 1.0, 1.0]), a, b), Is.EqualTo(6.0).Within(1e-12));
        Assert.That(Measure(new AverageSurfaceDistance(spacing: [3.0, 1.0, 1.0]), a, b), Is.EqualTo(136.0 / 56).Within(1e-12));
        // The batch's spacing field overrides the arg.
        var fromBatch = tensor(new[] { 3.0, 1.0, 1.0 }, [1, 3]);
        Assert.That(Measure(new AverageSurfaceDistance(spacing: [1.0, 1.0, 3.0]), a, b, fromBatch), Is.EqualTo(136.0 / 56).Within(1e-12));
    }

    // Reference values from tools/fixtures/surface_distance_reference.py (MONAI's algorithm on scipy).
    [TestCase(1.0, 1.0, 1.0, 1.7320508075688772, 0.7727266091958237)]
    [TestCase(1.5, 1.0, 0.8, 1.7, 0.743521981907329)]
    public void OffsetBallsMatchTheScipyReference(double sz, double sy, double sx, double hd95, double asd)
    {
        var prediction = Mask(10, 9, 8, (z, y, x) => (z - 4) * (z - 4) + (y - 4) * (y - 4) + (x - 4) * (x - 4) <= 9);
        var label = Mask(10, 9, 8, (z, y, x) => (z - 5) * (z - 5) + (y - 4) * (y - 4) + (x - 3) * (x - 3) <= 3.2 * 3.2);
        Assert.That(Measure(new HausdorffDistance95(spacing: [sz, sy, sx]), prediction, label), Is.EqualTo(hd95).Within(1e-9));
        Assert.That(Measure(new AverageSurfaceDistance(spacing: [sz, sy, sx]), prediction, label), Is.EqualTo(asd).Within(1e-9));
    }

    [Test]
    public void SingleVoxelsInTwoDimensions()
    {
        var label = tensor(new long[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, [1, 1, 4, 5]);
        var prediction = zeros([1, 1, 4, 5], ScalarType.Float32);
        prediction[0, 0, 3, 4] = tensor(0.9f);
        // Single channel: thresholded at 0.5. Offset (3, 4) voxels → 5 with unit spacing, √(6² + 4²) with [2, 1].
        var unit = new HausdorffDistance95();
        unit.Update(Fields(prediction, label), ["a"]);
        Assert.That(unit.Aggregate().Value, Is.EqualTo(5.0).Within(1e-12));
        var scaled = new AverageSurfaceDistance(spacing: [2.0, 1.0]);
        scaled.Update(Fields(prediction, label), ["a"]);
        Assert.That(scaled.Aggregate().Value, Is.EqualTo(Math.Sqrt(52)).Within(1e-12));
    }

    [Test]
    public void EmptyPredictionOrLabelIsNaNAndCounted()
    {
        var cube = Mask(8, 8, 8, (z, y, x) => Cube(z, y, x, 2));
        var empty = Mask(8, 8, 8, (_, _, _) => false);
        var metric = new HausdorffDistance95();
        metric.Update(Fields(TwoClass(cat([empty, cube, cube], 0)), cat([cube, empty, cube], 0)), ["no_prediction", "no_label", "both"]);
        var result = metric.Aggregate();
        Assert.That(result.PerSample.Select(p => p.Value).Take(2), Is.All.NaN);
        Assert.That(result.NaNCount, Is.EqualTo(2));
        Assert.That(result.Value, Is.EqualTo(0.0));
    }

    [Test]
    public void SpacingOfTheWrongLengthIsRejected()
    {
        var cube = Mask(8, 8, 8, (z, y, x) => Cube(z, y, x, 2));
        var metric = new AverageSurfaceDistance(spacing: [1.0, 2.0]);
        var error = Assert.Throws<ArgumentException>(() => metric.Update(Fields(TwoClass(cube), cube), ["a"]));
        Assert.That(error!.Message, Does.Contain("3 spatial axes"));
    }
}
