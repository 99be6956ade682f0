using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Spatial;
using static Pipeline.Tests.Transforms.Spatial.SpatialTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Spatial;

public sealed class RandomSpatialTransformsTests
{
    /// <summary>Image and label whose voxel values encode their index, so any flip or rotation is visible and comparable.</summary>
    private static TransformContext Pair(int index, long seed = 3, long[]? shape = null, AffineMatrix? affine = null)
    {
        shape ??= [1, 6, 5, 4];
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var data = arange(n, dtype: ScalarType.Float32).reshape(shape);
        return Context(index, seed, ("image", Image(data, affine ?? Oblique(0.9, 1.1, 2))), ("label", Image(data.clone(), affine ?? Oblique(0.9, 1.1, 2))));
    }

    private static void AssertImageAndLabelMovedTogether(TransformContext context)
    {
        var image = ImageOf(context, "image");
        var label = ImageOf(context, "label");
        Assert.That(Identical(image.Data, label.Data), Is.True, "same draw for image and label");
        Assert.That(image.Affine, Is.EqualTo(label.Affine));
    }

    [Test]
    public void FlippingTwiceIsTheIdentity()
    {
        using var data = Uniform([2, 5, 4, 3]);
        using var image = Image(data.clone(), Oblique(1, 2, 3));
        using var once = AxisFlip.Flip(image, [0, 2]);
        using var twice = AxisFlip.Flip(once, [2, 0]);
        Assert.That(Identical(once.Data, data), Is.False);
        AssertWorldInvariant(image, once, Interpolation.Nearest, 0);
        Assert.That(Identical(twice.Data, data), Is.True);
        Assert.That(twice.Affine.ApproximatelyEquals(image.Affine, 1e-12), Is.True);
    }

    [Test]
    public void RandomSpatialFlipDrawsEveryCombinationAndMovesFieldsTogether()
    {
        var seen = new HashSet<string>();
        for (var index = 0; index < 64; index++)
        {
            using var context = Pair(index);
            using var before = ImageOf(context, "image").With(ImageOf(context, "image").Data.clone());
            new RandomSpatialFlip(["image", "label"]).Apply(context);
            AssertImageAndLabelMovedTogether(context);
            var after = ImageOf(context, "image");
            AssertWorldInvariant(before, after, Interpolation.Nearest, 0);
            // Which axes flipped shows in the affine: a flipped axis's column changes sign.
            seen.Add(string.Concat(Enumerable.Range(0, 3).Select(c => after.Affine[0, c] * before.Affine[0, c] < 0 ? '1' : '0')));
        }
        Assert.That(seen, Has.Count.EqualTo(8), "all 2³ flip combinations occur in 64 samples at probability 0.5");
    }

    [Test]
    public void RandomSpatialFlipHonoursAxesAndProbability()
    {
        using var context = Pair(0);
        using var data = ImageOf(context, "image").Data.clone();
        new RandomSpatialFlip(["image", "label"], probability: 1, axes: [1]).Apply(context);
        using var expected = data.flip(2);
        Assert.That(Identical(ImageOf(context, "image").Data, expected), Is.True);

        using var never = Pair(1);
        var untouched = ImageOf(never, "image");
        new RandomSpatialFlip(["image", "label"], probability: 0).Apply(never);
        Assert.That(ImageOf(never, "image"), Is.SameAs(untouched), "probability 0 leaves the image as it is");
    }

    [Test]
    public void RandomAxisFlipFlipsExactlyOneAxis()
    {
        var axes = new HashSet<int>();
        for (var index = 0; index < 30; index++)
        {
            using var context = Pair(index);
            var before = ImageOf(context, "image").Affine;
            new RandomAxisFlip(["image", "label"], probability: 1).Apply(context);
            AssertImageAndLabelMovedTogether(context);
            var after = ImageOf(context, "image").Affine;
            var flipped = Enumerable.Range(0, 3).Where(c => after[0, c] * before[0, c] < 0).ToList();
            Assert.That(flipped, Has.Count.EqualTo(1));
            axes.Add(flipped[0]);
        }
        Assert.That(axes, Is.EquivalentTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void DrawsAreReproducibleAndDifferBetweenSamples()
    {
        string Outcome(int index, long seed)
        {
            using var context = Pair(index, seed);
            new RandomRotate3D(["image", "label"], probability: 1).Apply(context);
            return ImageOf(context, "image").Affine.ToString();
        }
        Assert.That(Outcome(4, 9), Is.EqualTo(Outcome(4, 9)));
        Assert.That(Outcome(4, 9), Is.Not.EqualTo(Outcome(5, 9)));
        Assert.That(Outcome(4, 9), Is.Not.EqualTo(Outcome(4, 10)));
    }

    [Test]
    public void EachCropOfABatchGetsItsOwnDrawSharedByTheFields()
    {
        ImageBatch Batch() => new(Enumerable.Range(0, 8).Select(_ => Image(arange(60f).reshape(1, 5, 4, 3), Axes(1, 1, 1))).ToList());
        using var context = Context(2, 5, ("image", Batch()), ("label", Batch()));
        new RandomSpatialFlip(["image", "label"]).Apply(context);
        var images = ((ImageBatch)context.Get("image")!).Items;
        var labels = ((ImageBatch)context.Get("label")!).Items;
        for (var i = 0; i < 8; i++) Assert.That(Identical(images[i].Data, labels[i].Data), Is.True, $"crop {i}");
        Assert.That(images.Select(image => image.Affine.ToString()).Distinct().Count(), Is.GreaterThan(1), "crops are not all flipped alike");
    }

    [Test]
    public void RotationTurnsPlusIIntoPlusJAboutTheCentre()
    {
        // A marker two voxels along +i from the centre of a 7×7 slice ends two voxels along +j after +90°.
        var data = zeros(1, 7, 7);
        data[0, 5, 3] = tensor(1f);
        using var image = Image(data, Axes(1, 1, 1, 5, 6, 0));
        using var turned = RandomRotate2D.Rotate(image, 90, Interpolation.Nearest);
        using var expected = zeros(1, 7, 7);
        expected[0, 3, 5] = tensor(1f);
        Assert.That(Identical(turned.Data, expected), Is.True);
        // The world position of the marker is unchanged: the grid turned, not the anatomy.
        AssertSameWorld(World(turned, 3, 5), World(image, 5, 3));
    }

    [Test]
    public void RotationIsRigidInMillimetresForAnisotropicVoxels()
    {
        // After a 3D rotation the affine is the old direction frame turned by Rᵀ, with the same voxel sizes.
        var affine = Axes(0.7, 1.0, 2.5, 3, 4, 5);
        using var image = Image(Uniform([1, 9, 8, 7]), affine);
        using var rotated = RandomRotate3D.Rotate(image, 20, -35, 50, Interpolation.Linear);
        Assert.That(rotated.Spacing, Is.EqualTo(affine.Spacing()).Within(1e-12), "no shear: column lengths kept");
        for (var a = 0; a < 3; a++)
        for (var b = a + 1; b < 3; b++)
        {
            var dot = Enumerable.Range(0, 3).Sum(r => rotated.Affine[r, a] * rotated.Affine[r, b]);
            Assert.That(dot, Is.EqualTo(0).Within(1e-12), "columns stay orthogonal");
        }
        AssertSameWorld(rotated.Affine.Apply(4, 3.5, 3), image.Affine.Apply(4, 3.5, 3), "the centre stays put");
        AssertWorldInvariant(image, rotated, Interpolation.Linear, 2e-3);
    }

    [Test]
    public void RandomRotationUsesNearestForLabelsAndTheSameAngleForAllFields()
    {
        using var labels = Uniform([1, 10, 9, 8], 0, 3).floor_();
        using var context = Context(1, 1, ("image", Image(labels.clone(), Axes(1, 1, 2))), ("label", Image(labels.clone(), Axes(1, 1, 2))));
        new RandomRotate3D(["image", "label"], probability: 1, degreesX: [30], degreesY: [30], degreesZ: [30]).Apply(context);
        Assert.That(ImageOf(context, "image").Affine, Is.EqualTo(ImageOf(context, "label").Affine));
        using var unique = ImageOf(context, "label").Data.unique().Item1;
        Assert.That(Values(unique), Is.SubsetOf(new double[] { 0, 1, 2 }));
        using var imageUnique = ImageOf(context, "image").Data.unique().Item1;
        Assert.That(Values(imageUnique).Length, Is.GreaterThan(3), "the image is interpolated linearly");
    }

    [Test]
    public void RandomRotationAnglesStayInRange()
    {
        for (var index = 0; index < 20; index++)
        {
            using var context = Context(index, 0, ("image", Image(zeros(1, 5, 5), Axes(1, 1, 1))));
            new RandomRotate2D(["image"], probability: 1, degrees: [10, 20]).Apply(context);
            var a = ImageOf(context, "image").Affine;
            // The grid turns by −angle: column 0 becomes (cos θ, −sin θ).
            var angle = Math.Atan2(-a[1, 0], a[0, 0]) * 180 / Math.PI;
            Assert.That(angle, Is.InRange(10, 20));
        }
    }

    [Test]
    public void RandomZoomScalesAboutTheCentreAndKeepsTheShape()
    {
        var draws = new List<double[]>();
        for (var index = 0; index < 10; index++)
        {
            using var context = Pair(index, shape: [1, 9, 8, 7], affine: Axes(1, 1, 1));
            using var before = ImageOf(context, "image").With(ImageOf(context, "image").Data.clone());
            new RandomZoom("image", "label", [0.8, 0.9, 1.0], [1.2, 1.1, 1.0]).Apply(context);
            var image = ImageOf(context, "image");
            Assert.That(image.SpatialShape, Is.EqualTo(new long[] { 9, 8, 7 }));
            Assert.That(image.Affine, Is.EqualTo(ImageOf(context, "label").Affine));
            var zoom = image.Spacing.Select(s => 1 / s).ToArray();
            draws.Add(zoom);
            Assert.That(zoom[0], Is.InRange(0.8, 1.2));
            Assert.That(zoom[1], Is.InRange(0.9, 1.1));
            Assert.That(zoom[2], Is.EqualTo(1).Within(1e-12));
            AssertSameWorld(image.Affine.Apply(4, 3.5, 3), before.Affine.Apply(4, 3.5, 3), "the centre stays put");
            AssertWorldInvariant(before, image, Interpolation.Linear, 2e-3);
        }
        Assert.That(draws.Select(d => d[0]).Distinct().Count(), Is.EqualTo(10), "factors are drawn per sample");
        Assert.That(draws.All(d => d[0] != d[1]), Is.True, "per-axis limits draw each axis on its own");
    }

    [Test]
    public void RandomZoomWithScalarLimitsIsIsotropic()
    {
        using var context = Context(3, 3, ("image", Image(zeros(1, 6, 6, 6), Axes(1, 1, 1))));
        new RandomZoom("image", lowerLimits: [0.5], upperLimits: [2.0]).Apply(context);
        var spacing = ImageOf(context, "image").Spacing;
        Assert.That(spacing[1], Is.EqualTo(spacing[0]).Within(1e-12));
        Assert.That(spacing[2], Is.EqualTo(spacing[0]).Within(1e-12));
        Assert.That(spacing[0], Is.Not.EqualTo(1.0));
    }

    [Test]
    public void RandomTransformsAreNotDeterministic()
    {
        ITransform[] transforms =
        [
            new RandomAxisFlip(["image"]), new RandomSpatialFlip(["image"]), new RandomZoom("image"),
            new RandomRotate2D(["image"]), new RandomRotate3D(["image"]),
        ];
        Assert.That(transforms.Select(t => t.IsDeterministic), Is.All.False);
    }

    [TestCase(0, "probability")]
    [TestCase(1, "axes[0]")]
    [TestCase(2, "axes")]
    [TestCase(3, "lower_limits")]
    [TestCase(4, "upper_limits[0]")]
    [TestCase(5, "label_field")]
    [TestCase(6, "degrees")]
    [TestCase(7, "degrees_y")]
    [TestCase(8, "label_fields[0]")]
    [TestCase(9, "probability")]
    public void BadArgsNameTheArg(int which, string arg)
    {
        var e = Assert.Throws<ConfigArgException>(() => _ = which switch
        {
            0 => (object)new RandomAxisFlip(["image"], 1.5),
            1 => new RandomSpatialFlip(["image"], axes: [3]),
            2 => new RandomSpatialFlip(["image"], axes: [1, 1]),
            3 => new RandomZoom("image", "label", [1.2], [1.1]),
            4 => new RandomZoom("image", "label", [0.9], [-1]),
            5 => new RandomZoom("image", "image"),
            6 => new RandomRotate2D(["image"], degrees: [20, 10]),
            7 => new RandomRotate3D(["image"], degreesY: [1, 2, 3]),
            8 => new RandomRotate3D(["image"], labelFields: ["seg"]),
            _ => new RandomRotate2D(["image"], probability: double.NaN),
        });
        Assert.That(e!.Arg, Is.EqualTo(arg));
    }

    [Test]
    public void RotationsRefuseTheWrongRank()
    {
        using var context = Context(("image", Image(zeros(1, 4, 4, 4))));
        Assert.Throws<InvalidOperationException>(() => new RandomRotate2D(["image"], probability: 1).Apply(context));
        using var flat = Context(("image", Image(zeros(1, 4, 4))));
        Assert.Throws<InvalidOperationException>(() => new RandomRotate3D(["image"], probability: 1).Apply(flat));
    }
}
