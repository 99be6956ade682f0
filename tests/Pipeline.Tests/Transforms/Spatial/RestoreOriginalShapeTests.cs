using System.Diagnostics;
using NUnit.Framework;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Spatial;
using static Pipeline.Tests.Transforms.Spatial.SpatialTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Spatial;

public sealed class RestoreOriginalShapeTests
{
    /// <summary>A slightly oblique grid whose axes point L, P, S with CT-like voxels (0.79 × 0.79 × 2.5 mm).</summary>
    private static readonly AffineMatrix Acquisition = AffineMatrix.FromArray(new double[,]
    {
        { -0.79, 0.02, 0, 40 }, { -0.02, -0.79, 0.05, 30 }, { 0, 0.01, 2.5, -20 }, { 0, 0, 0, 1 },
    });

    private static readonly long[] Shape = [48, 44, 14];

    /// <summary>A smooth image and a two-label map defined in world coordinates, sampled on <see cref="Acquisition"/>.</summary>
    private static (Tensor Image, Tensor Label) Phantom()
    {
        var n = Shape[0] * Shape[1] * Shape[2];
        var image = new float[n];
        var label = new float[n];
        for (var i = 0; i < Shape[0]; i++)
        for (var j = 0; j < Shape[1]; j++)
        for (var k = 0; k < Shape[2]; k++)
        {
            var (x, y, z) = Acquisition.Apply(i, j, k);
            var v = (i * Shape[1] + j) * Shape[2] + k;
            image[v] = (float)(100 * Math.Sin(x / 15) * Math.Cos(y / 20) + 2 * z);
            var inBall = Math.Pow(x - 22, 2) + Math.Pow(y - 12, 2) + Math.Pow(z + 5, 2) < 100;
            var inSlab = Math.Abs(x - 10) < 6 && Math.Abs(y - 20) < 9 && Math.Abs(z + 8) < 9;
            label[v] = inBall ? 1 : inSlab ? 2 : 0;
        }
        return (tensor(image).reshape([1, .. Shape]), tensor(label).reshape([1, .. Shape]));
    }

    [Test]
    public void OrientationResamplingAndPaddingAreUndone()
    {
        var (image, label) = Phantom();
        using var originalImage = image;
        using var originalLabel = label;
        using var context = Context(("image", Loaded(image.clone(), Acquisition)), ("label", Loaded(label.clone(), Acquisition)));

        new SetOrientation(["image", "label"]).Apply(context);
        new ScaleByResolution(["image"], [1.0, 1.0, 1.0]).Apply(context);
        new ScaleByResolution(["label"], [1.0, 1.0, 1.0], isLabel: true).Apply(context);
        // Edge padding for the image: the original edge voxels may lie up to half a new voxel beyond the resampled grid's
        // last centre, and interpolating towards a constant pad value there would be an error of the pad, not of the inverse.
        new SymmetricPadderDiv(["image"], [16], PadMode.Edge).Apply(context);
        new SymmetricPadderDiv(["label"], [16]).Apply(context);
        Assert.That(ImageOf(context, "label").Orientation, Is.EqualTo("RAS"));
        Assert.That(ImageOf(context, "label").SpatialShape, Is.EqualTo(new long[] { 48, 48, 48 }), "38, 35, 34 voxels padded to multiples of 16");

        new RestoreOriginalShape("label", "image", isLabel: true).Apply(context);
        new RestoreOriginalShape("image", "image").Apply(context);

        var restoredLabel = ImageOf(context, "label");
        Assert.That(restoredLabel.SpatialShape, Is.EqualTo(Shape));
        Assert.That(restoredLabel.Affine, Is.EqualTo(Acquisition));
        using var agree = restoredLabel.Data.eq(originalLabel).to_type(ScalarType.Float64).mean();
        Assert.That(agree.item<double>(), Is.GreaterThanOrEqualTo(0.99), "label voxels back on their original value");
        using var foreground = originalLabel.gt(0).sum();
        Assert.That(foreground.item<long>(), Is.GreaterThan(500), "the phantom has real structures to restore");

        var restoredImage = ImageOf(context, "image");
        using var error = restoredImage.Data.sub(originalImage).abs();
        using var meanError = error.mean();
        using var maxError = error.max();
        Assert.That(meanError.item<float>(), Is.LessThan(0.2), "values span ±150");
        Assert.That(maxError.item<float>(), Is.LessThan(1.5));
    }

    [Test]
    public void PureAxisChangesAreUndoneExactly()
    {
        var (image, label) = Phantom();
        image.Dispose();
        using var original = label;
        using var context = Context(5, 1, ("label", Loaded(original.clone(), Acquisition)));
        new SetOrientation(["label"], "PIR").Apply(context);
        new SymmetricPadderDiv(["label"], [32], PadMode.Reflect).Apply(context);
        new RandomSpatialFlip(["label"], probability: 1).Apply(context);
        new RestoreOriginalShape("label", "label", isLabel: true).Apply(context);
        Assert.That(Identical(ImageOf(context, "label").Data, original), Is.True);
    }

    [Test]
    public void CroppedAwayVoxelsComeBackAsZeroAndRotationsAreUndoneInside()
    {
        var (image, label) = Phantom();
        using var _ = image;
        using var original = label;
        var loaded = Loaded(original.clone(), Acquisition);
        // A crop of voxels [10, 40) × [5, 35) × all, as a crop transform would make it: data narrowed, affine shifted.
        var crop = loaded.With(loaded.Data.narrow(1, 10, 30).narrow(2, 5, 30).clone(), loaded.Affine.Multiply(IndexMaps.Shift([-10, -5, 0])));
        loaded.Dispose();
        using var context = Context(("label", crop));
        new RandomRotate3D(["label"], probability: 1, degreesX: [5], degreesY: [5], degreesZ: [10, 20], paddingMode: ResamplePadding.Constant).Apply(context);
        Assert.That(ImageOf(context, "label").Properties.OriginalSpatialShape, Is.EqualTo(Shape), "crops and rotations keep the recorded original grid");
        new RestoreOriginalShape("label", "label", isLabel: true).Apply(context);

        using var restored = ImageOf(context, "label").Data.clone();
        // Outside the crop nothing is known. Two nearest-neighbour steps may carry a label one voxel over the crop's edge.
        using var outside = restored.clone();
        outside.narrow(1, 9, 32).narrow(2, 4, 32).zero_();
        using var stray = outside.count_nonzero();
        Assert.That(stray.item<long>(), Is.EqualTo(0), "labels outside the crop");
        using var inCrop = restored.narrow(1, 10, 30).narrow(2, 5, 30).count_nonzero();
        Assert.That(inCrop.item<long>(), Is.GreaterThan(1000), "the crop holds labels");
        // Inside the crop's central part (away from corners the rotation turned out of view) the labels come back.
        using var inner = restored.narrow(1, 16, 18).narrow(2, 11, 18).narrow(3, 3, 8);
        using var expected = original.narrow(1, 16, 18).narrow(2, 11, 18).narrow(3, 3, 8);
        using var agree = inner.eq(expected).to_type(ScalarType.Float64).mean();
        Assert.That(agree.item<double>(), Is.GreaterThanOrEqualTo(0.97), "two nearest-neighbour resamplings of a rotated grid");
    }

    [Test]
    public void ItNeedsTheOriginalGrid()
    {
        using var context = Context(("model", Image(zeros(1, 2, 2, 2))), ("image", Image(zeros(1, 2, 2, 2))));
        var e = Assert.Throws<InvalidOperationException>(() => new RestoreOriginalShape("model", "image").Apply(context));
        Assert.That(e!.Message, Does.Contain("'image'").And.Contain("original"));
        var declared = new RestoreOriginalShape("model", "image");
        Assert.That((declared.ReadsFields, declared.WritesFields, ((Pipeline.Components.IDeclaresFields)declared).FieldsArg),
            Is.EqualTo((new[] { "model", "image" }, new[] { "model" }, "field")));
    }
}
