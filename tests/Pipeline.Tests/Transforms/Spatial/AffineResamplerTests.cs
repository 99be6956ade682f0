using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.Transforms.Spatial;
using static Pipeline.Tests.Transforms.Spatial.SpatialTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Spatial;

public sealed class AffineResamplerTests
{
    [Test]
    public void TheSameGridGivesTheSameValues()
    {
        using var data = Uniform([2, 7, 6, 5]);
        using var image = Image(data.clone(), Oblique(0.8, 0.9, 2.5));
        using var linear = AffineResampler.Resample(image, image.Affine, image.SpatialShape, Interpolation.Linear);
        using var nearest = AffineResampler.Resample(image, image.Affine, image.SpatialShape, Interpolation.Nearest, ResamplePadding.Constant, -7);
        Assert.That(Identical(linear.Data, data), Is.True);
        Assert.That(Identical(nearest.Data, data), Is.True);
        Assert.That(linear.Affine, Is.EqualTo(image.Affine));
        linear.Data.add_(1);
        Assert.That(Identical(image.Data, data), Is.True, "the result owns its storage");
    }

    [Test]
    public void ArbitraryTargetGridsReadTheSourceAtTheSameWorldPoint()
    {
        // An oblique source and a target grid rotated against it, with another spacing and origin: the grid_sample path.
        using var image = Image(Uniform([1, 9, 8, 7]), Oblique(1.1, 0.9, 1.7));
        var target = Axes(0.7, -0.8, 1.3, 10, -25, 5);
        using var linear = AffineResampler.Resample(image, target, [12, 10, 9], Interpolation.Linear);
        using var nearest = AffineResampler.Resample(image, target, [12, 10, 9], Interpolation.Nearest);
        Assert.That(AssertWorldInvariant(image, linear, Interpolation.Linear, 2e-3), Is.GreaterThan(50), "enough voxels fall inside the source");
        AssertWorldInvariant(image, nearest, Interpolation.Nearest, 0);
    }

    [Test]
    public void AxisPermutationsFlipsAndScalesTakeTheSeparablePathAndAgreeWithTheReference()
    {
        // Target axes: i ← −source k, j ← source i scaled, k ← source j shifted; only the linear part decides the path.
        var map = AffineMatrix.FromArray(new double[,] { { 0, 0.6, 0, 0.3 }, { 0, 0, 1, -0.7 }, { -1.3, 0, 0, 8.2 }, { 0, 0, 0, 1 } });
        Assert.That(AffineResampler.AxisAlignment(map, 3), Is.EqualTo(new[] { 2, 0, 1 }));
        using var image = Image(Uniform([2, 8, 7, 9]), Axes(1, 2, 3));
        using var result = AffineResampler.ResampleByIndexMap(image, map, [7, 14, 8], Interpolation.Linear);
        AssertWorldInvariant(image, result, Interpolation.Linear, 2e-3);
        using var labels = AffineResampler.ResampleByIndexMap(image, map, [7, 14, 8], Interpolation.Nearest);
        AssertWorldInvariant(image, labels, Interpolation.Nearest, 0);
    }

    [Test]
    public void RotationsAndShearsTakeTheGridPath()
    {
        var rotation = Rotations.ContentRotationIndexMap([5, 5, 5], [1, 1, 1], Rotations.Matrix3D(0, 0, 10));
        Assert.That(AffineResampler.AxisAlignment(rotation, 3), Is.Null);
        var quarterTurn = Rotations.ContentRotationIndexMap([5, 5, 5], [1, 1, 1], Rotations.Matrix3D(0, 0, 90));
        Assert.That(AffineResampler.AxisAlignment(quarterTurn, 3), Is.Not.Null, "cos 90° is 6e-17, not a shear");
    }

    [Test]
    public void BorderClampsAndConstantFillsOnlyBeyondTheVoxelExtent()
    {
        // 1D profile along i: source values 10, 20, 30 at indices 0, 1, 2; target reads s = t − 1.25.
        using var image = Image(tensor(new float[] { 10, 20, 30 }).reshape(1, 3, 1), Axes(1, 1, 1));
        var map = IndexMaps.AxisScaling([1.0, 1.0], [-1.25, 0]);
        using var border = AffineResampler.ResampleByIndexMap(image, map, [6, 1], Interpolation.Linear);
        using var constant = AffineResampler.ResampleByIndexMap(image, map, [6, 1], Interpolation.Linear, ResamplePadding.Constant, -1);
        using var nearest = AffineResampler.ResampleByIndexMap(image, map, [6, 1], Interpolation.Nearest, ResamplePadding.Constant, -1);
        // s = −1.25, −0.25, 0.75, 1.75, 2.75, 3.75
        Assert.That(Values(border.Data), Is.EqualTo(new[] { 10, 10, 17.5, 27.5, 30, 30 }).Within(1e-5));
        Assert.That(Values(constant.Data), Is.EqualTo(new[] { -1, 10, 17.5, 27.5, -1, -1 }).Within(1e-5), "−0.25 lies inside voxel 0, 2.75 beyond voxel 2's edge at 2.5");
        Assert.That(Values(nearest.Data), Is.EqualTo(new double[] { -1, 10, 20, 30, -1, -1 }));
    }

    [Test]
    public void TheGridPathPadsLikeTheSeparablePath()
    {
        // A tiny rotation forces grid_sample; far outside, constant padding must give the value, inside the edge band it must not.
        using var image = Image(full(1, 6, 6, 3f), Axes(1, 1, 1));
        var rotation = Rotations.ContentRotationIndexMap([6, 6], [1, 1], Rotations.Matrix2D(1e-3));
        var shifted = rotation.Multiply(IndexMaps.AxisScaling([1.0, 1.0], [-3.0, 0.0]));
        using var result = AffineResampler.ResampleByIndexMap(image, shifted, [12, 6], Interpolation.Linear, ResamplePadding.Constant, -5);
        var values = Values(result.Data);
        Assert.That(values[..(2 * 6)], Is.All.EqualTo(-5), "rows 0–1 read s ≈ −3, −2");
        Assert.That(values[(3 * 6)..(9 * 6)], Is.All.EqualTo(3).Within(1e-5), "rows 3–8 read inside");
        Assert.That(values[(10 * 6)..], Is.All.EqualTo(-5), "rows 10–11 read beyond the far edge");
    }

    [Test]
    public void LinearOutputIsFloat32OrFloat64AndNearestKeepsTheDtype()
    {
        using var ints = Image(arange(24, dtype: ScalarType.Int16).reshape(1, 4, 3, 2), Axes(1, 1, 1));
        using var doubles = Image(arange(24, dtype: ScalarType.Float64).reshape(1, 4, 3, 2), Axes(1, 1, 1));
        var target = Axes(0.5, 1, 1);
        using var a = AffineResampler.Resample(ints, target, [7, 3, 2], Interpolation.Linear);
        using var b = AffineResampler.Resample(doubles, target, [7, 3, 2], Interpolation.Linear);
        using var c = AffineResampler.Resample(ints, target, [7, 3, 2], Interpolation.Nearest);
        Assert.That((a.Data.dtype, b.Data.dtype, c.Data.dtype), Is.EqualTo((ScalarType.Float32, ScalarType.Float64, ScalarType.Int16)));
        Assert.That(Values(a.Data)[6], Is.EqualTo(3.0), "index 0.5 along i between 0 and 6");
    }

    [Test]
    public void TwoDimensionalImagesUseTheInPlanePart()
    {
        using var image = Image(Uniform([2, 9, 7]), Axes(0.7, 1.2, 1, 3, 4, 0));
        var target = AffineMatrix.FromArray(new double[,] { { 0.5, 0.2, 0, 2 }, { -0.1, 0.9, 0, 5 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } });
        using var result = AffineResampler.Resample(image, target, [11, 8], Interpolation.Linear);
        Assert.That(result.Data.shape, Is.EqualTo(new long[] { 2, 11, 8 }));
        Assert.That(AssertWorldInvariant(image, result, Interpolation.Linear, 2e-3), Is.GreaterThan(20));
    }

    [TestCase(Interpolation.Linear, ScalarType.Float32)]
    [TestCase(Interpolation.Nearest, ScalarType.Int32)]
    [TestCase(Interpolation.Linear, ScalarType.Float64)]
    public void EveryRouteOfTheSeparablePathAgreesWithTheReference(Interpolation interpolation, ScalarType type)
    {
        // Thin last axes and a long innermost axis send j and k through the moved-axis route, a short k through the
        // matrix product (floating data) or the moved-axis route (integers).
        foreach (long[] shape in new[] { new long[] { 2, 9, 70, 3 }, [1, 5, 6, 80], [1, 4, 50, 7] })
        {
            using var image = Image(Uniform(shape, 0, 50).to_type(type), Axes(1.1, 0.9, 1.7, 2, 3, 4));
            var target = Axes(0.8, 1.3, 0.7, 1.5, 2.5, 3.5);
            var size = new[] { shape[1] + 2, shape[2] - 3, shape[3] * 2 };
            using var result = AffineResampler.Resample(image, target, size, interpolation);
            Assert.That(result.Data.dtype, Is.EqualTo(interpolation == Interpolation.Nearest || type == ScalarType.Float64 ? type : ScalarType.Float32));
            AssertWorldInvariant(image, result, interpolation, 1e-4);
        }
    }

    [Test]
    public void NonFiniteValuesStayLocal()
    {
        // The innermost axis may be resampled as a matrix product, where 0 · NaN would spread a NaN along the whole row.
        using var data = arange(2 * 3 * 8, dtype: ScalarType.Float32).reshape(1, 2, 3, 8);
        data[0, 1, 2, 5] = tensor(float.NaN);
        using var image = Image(data.clone(), Axes(1, 1, 2));
        using var result = AffineResampler.Resample(image, Axes(1, 1, 1), [2, 3, 15], Interpolation.Linear);
        using var nan = result.Data.isnan();
        Assert.That(Values(nan.to_type(ScalarType.Float32)).Sum(), Is.EqualTo(3), "k = 9, 10, 11 read source k = 4.5, 5, 5.5");
        using var clean = Image(data.nan_to_num(0), Axes(1, 1, 2));
        using var reference = AffineResampler.Resample(clean, Axes(1, 1, 1), [2, 3, 15], Interpolation.Linear);
        using var same = result.Data.eq(reference.Data).logical_or(nan);
        Assert.That(same.all().item<bool>(), Is.True, "all other voxels as without the NaN");
    }

    [Test]
    public void BadShapesAreRejected()
    {
        using var image = Image(zeros(1, 3, 3, 3), Axes(1, 1, 1));
        Assert.Throws<ArgumentException>(() => AffineResampler.Resample(image, image.Affine, [3, 3], Interpolation.Linear).Dispose());
        Assert.Throws<ArgumentException>(() => AffineResampler.Resample(image, image.Affine, [3, 0, 3], Interpolation.Linear).Dispose());
    }
}
