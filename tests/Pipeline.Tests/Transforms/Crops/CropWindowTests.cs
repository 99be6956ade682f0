using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.Transforms.Crops;
using static Pipeline.Tests.Transforms.Crops.CropTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>Closed forms of the window arithmetic and of cutting a window (copy, padding, affine).</summary>
public sealed class CropWindowTests
{
    [TestCase(10, 4, 3)] // MONAI CenterSpatialCrop: 10/2 − 4/2
    [TestCase(11, 4, 3)] // 5 − 2
    [TestCase(6, 3, 2)] // 3 − 1 (not (6 − 3)/2 = 1)
    [TestCase(4, 4, 0)]
    [TestCase(3, 6, -1)] // pad (6 − 3)/2 = 1 before
    [TestCase(2, 7, -2)] // pad 2 before, 3 after
    public void CentredStartFollowsMonai(long extent, long size, long expected) =>
        Assert.That(CropWindow.CentredStart(extent, size), Is.EqualTo(expected));

    [TestCase(50, 100, 10, 45)]
    [TestCase(2, 100, 10, 0)] // shifted right to fit
    [TestCase(97, 100, 10, 90)] // shifted left to fit
    [TestCase(5, 100, 11, 0)] // lower bound: centre 5 = 11/2 → start 0
    [TestCase(95, 100, 11, 89)] // upper bound: start n − size
    [TestCase(3, 8, 12, -2)] // axis shorter than the window: symmetric padding, centre ignored
    public void StartAroundKeepsTheWindowInside(long centre, long extent, long size, long expected) =>
        Assert.That(CropWindow.StartAround(centre, extent, size), Is.EqualTo(expected));

    [Test]
    public void StartAroundMatchesMonaisCentreClampEverywhere()
    {
        // MONAI: lo = size//2, hi = int(n + 1 − size/2), hi += 1 if lo == hi; centre clamped to [lo, hi − 1]; start = centre − size//2.
        for (long n = 1; n <= 20; n++)
        for (long size = 1; size <= n; size++)
        for (long c = 0; c < n; c++)
        {
            var lo = size / 2;
            var hi = (long)Math.Floor(n + 1 - size / 2.0);
            if (lo == hi) hi++;
            var expected = Math.Clamp(c, lo, hi - 1) - size / 2;
            Assert.That(CropWindow.StartAround(c, n, size), Is.EqualTo(expected), $"n={n} size={size} centre={c}");
        }
    }

    [Test]
    public void ExtractIsTheSliceAndTranslatesTheAffine()
    {
        using var image = Arange([7, 6, 5], channels: 2);
        var window = new CropWindow([2, 1, 3], [4, 3, 2]);

        using var crop = window.Extract(image);

        using var expected = image.Data[.., 2..6, 1..4, 3..5];
        Assert.That(Same(crop.Data, expected), Is.True, "values = image[:, 2:6, 1:4, 3:5]");
        var shift = AffineMatrix.FromRowMajor([1, 0, 0, 2, 0, 1, 0, 1, 0, 0, 1, 3, 0, 0, 0, 1]);
        Assert.That(crop.Affine.ApproximatelyEquals(Oblique.Multiply(shift), 1e-12), Is.True, "affine · T(start)");
        Assert.That(crop.Properties, Is.SameAs(image.Properties));
    }

    [Test]
    public void ExtractCopiesInsteadOfViewingTheSource()
    {
        using var image = Arange([6, 5, 4]);
        using var crop = new CropWindow([1, 0, 0], [3, 5, 4]).Extract(image);
        image.Data.fill_(-1);
        Assert.That(crop.Data.min().item<float>(), Is.GreaterThanOrEqualTo(0f), "the crop must not share storage with the volume");
    }

    [Test]
    public void EveryVoxelKeepsItsWorldPositionIncludingPadding()
    {
        var shape = new long[] { 5, 4, 3 };
        using var image = Arange(shape);
        var window = new CropWindow([-2, 1, -1], [8, 2, 5]);

        using var crop = window.Extract(image);

        Assert.That(crop.SpatialShape, Is.EqualTo(new long[] { 8, 2, 5 }));
        var values = Values(crop.Data);
        var inside = 0;
        for (var i = 0; i < 8; i++)
        for (var j = 0; j < 2; j++)
        for (var k = 0; k < 5; k++)
        {
            var v = values[(i * 2 + j) * 5 + k];
            var source = new[] { i - 2L, j + 1L, k - 1L };
            var isInside = source.Select((s, a) => s >= 0 && s < shape[a]).All(b => b);
            if (!isInside)
            {
                Assert.That(v, Is.EqualTo(0), "padding is 0");
                continue;
            }
            inside++;
            Assert.That(SourceIndex(v, shape), Is.EqualTo(source));
            var before = World(Oblique, source.Select(s => (double)s).ToArray());
            var after = World(crop.Affine, [i, j, k]);
            Assert.That(after.X, Is.EqualTo(before.X).Within(1e-9));
            Assert.That(after.Y, Is.EqualTo(before.Y).Within(1e-9));
            Assert.That(after.Z, Is.EqualTo(before.Z).Within(1e-9));
        }
        Assert.That(inside, Is.EqualTo(5 * 2 * 3));
    }

    [Test]
    public void ExtractWorksIn2DAndKeepsTheSliceAxisOfTheAffine()
    {
        using var image = Arange([6, 7]);
        using var crop = new CropWindow([1, -1], [3, 9]).Extract(image);

        Assert.That(crop.Data.shape, Is.EqualTo(new long[] { 1, 3, 9 }));
        using var inner = crop.Data[.., .., 1..8];
        using var expected = image.Data[.., 1..4, ..];
        Assert.That(Same(inner, expected), Is.True);
        Assert.That(crop.Data[.., .., 0].abs().sum().item<float>() + crop.Data[.., .., 8].abs().sum().item<float>(), Is.EqualTo(0f));
        var shift = AffineMatrix.FromRowMajor([1, 0, 0, 1, 0, 1, 0, -1, 0, 0, 1, 0, 0, 0, 0, 1]);
        Assert.That(crop.Affine.ApproximatelyEquals(Oblique.Multiply(shift), 1e-12), Is.True, "only the two spatial axes are translated");
    }

    [Test]
    public void ExtractKeepsIntegerLabelTypes()
    {
        using var label = new MedicalImage(arange(24, ScalarType.Int16).reshape(1, 4, 3, 2), Oblique);
        using var crop = new CropWindow([3, 0, 0], [3, 3, 2]).Extract(label);
        Assert.That(crop.Data.dtype, Is.EqualTo(ScalarType.Int16));
        Assert.That(Values(crop.Data[0, 1..]).Sum(), Is.EqualTo(0), "rows past the image are padded with 0");
    }
}
