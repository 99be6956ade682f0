using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Imaging;
using Pipeline.Transforms.Spatial;
using static Pipeline.Tests.Transforms.Spatial.SpatialTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Spatial;

public sealed class ScaleTransformsTests
{
    [Test]
    public void ScaleByResolutionFollowsMonaiSpacing()
    {
        // Oblique LPS-like grid: directions kept, columns rescaled, voxel (0,0,0) stays put, size round((n−1)·old/new)+1.
        var affine = Oblique(0.79, 0.79, 2.5);
        using var context = Context(("image", Loaded(Uniform([1, 20, 18, 7]), affine)));
        using var before = ImageOf(context, "image").With(ImageOf(context, "image").Data.clone());
        new ScaleByResolution(["image"], [1.0, 1.0, 1.0]).Apply(context);
        var after = ImageOf(context, "image");

        Assert.That(after.SpatialShape, Is.EqualTo(new long[] { 16, 14, 16 }), "round(19·0.79)+1, round(17·0.79)+1, round(6·2.5)+1");
        Assert.That(after.Spacing, Is.EqualTo(new[] { 1.0, 1.0, 1.0 }).Within(1e-12));
        Assert.That(after.Orientation, Is.EqualTo(before.Orientation));
        AssertSameWorld(World(after, 0, 0, 0), World(before, 0, 0, 0), "the first voxel centre stays put");
        for (var c = 0; c < 3; c++)
        for (var r = 0; r < 3; r++)
            Assert.That(after.Affine[r, c] / after.Spacing[c], Is.EqualTo(before.Affine[r, c] / before.Spacing[c]).Within(1e-12), "direction cosines kept");
        AssertWorldInvariant(before, after, Interpolation.Linear, 2e-3);
        Assert.That(after.Properties.OriginalAffine, Is.EqualTo(affine), "properties are kept");
    }

    [Test]
    public void ScaleByResolutionToTheSameSpacingIsTheIdentity()
    {
        using var data = Uniform([2, 6, 5, 4]);
        using var labels = arange(120, dtype: ScalarType.Int32).reshape(1, 6, 5, 4);
        var affine = Oblique(0.8, 0.9, 2.5);
        using var context = Context(("image", Image(data.clone(), affine)), ("label", Image(labels.clone(), affine)));
        var spacing = affine.Spacing();
        new ScaleByResolution(["image"], spacing).Apply(context);
        new ScaleByResolution(["label"], spacing, isLabel: true).Apply(context);
        Assert.That(Identical(ImageOf(context, "image").Data, data), Is.True);
        Assert.That(Identical(ImageOf(context, "label").Data, labels), Is.True);
        Assert.That(ImageOf(context, "label").Data.dtype, Is.EqualTo(ScalarType.Int32));
        Assert.That(ImageOf(context, "image").Affine.ApproximatelyEquals(affine, 1e-12), Is.True);
    }

    [Test]
    public void ScaleByResolutionOfLabelsOnlyProducesExistingLabels()
    {
        using var labels = Uniform([1, 12, 11, 5], 0, 4).floor_();
        using var context = Context(("label", Image(labels.clone(), Axes(0.7, 0.7, 3))));
        new ScaleByResolution(["label"], [1.1, 0.5, 1.3], isLabel: true).Apply(context);
        using var unique = ImageOf(context, "label").Data.unique().Item1;
        Assert.That(Values(unique), Is.SubsetOf(new double[] { 0, 1, 2, 3 }));
        AssertWorldInvariant(Image(labels.clone(), Axes(0.7, 0.7, 3)), ImageOf(context, "label"), Interpolation.Nearest, 0);
    }

    [Test]
    public void ScaleByResolutionBroadcastsPerAxisValuesAndKeepsNonPositiveAxes()
    {
        using var context = Context(("a", Image(zeros(1, 11, 11, 5), Axes(0.5, 0.5, 2))), ("b", Image(zeros(1, 11, 11), Axes(0.5, 0.25, 1))));
        new ScaleByResolution(["a"], [1.0, 0]).Apply(context);
        new ScaleByResolution(["b"], [1.0, 0.5, 9]).Apply(context);
        Assert.That(ImageOf(context, "a").SpatialShape, Is.EqualTo(new long[] { 6, 11, 5 }), "[1, 0] pads to [1, 0, 0]: j and k keep their spacing");
        Assert.That(ImageOf(context, "a").Spacing, Is.EqualTo(new[] { 1.0, 0.5, 2 }));
        Assert.That(ImageOf(context, "b").SpatialShape, Is.EqualTo(new long[] { 6, 6 }), "the third value is ignored for 2D");
    }

    [Test]
    public void ScaleByResolutionWorksOnEveryCropOfABatch()
    {
        var crops = Enumerable.Range(0, 3).Select(i => Image(full(1, 4, 4, 4, (float)i), Axes(2, 2, 2))).ToList();
        using var context = Context(("image", new ImageBatch(crops)));
        new ScaleByResolution(["image"], [1.0]).Apply(context);
        var batch = (ImageBatch)context.Get("image")!;
        Assert.That(batch.Items, Has.Count.EqualTo(3));
        for (var i = 0; i < 3; i++)
        {
            Assert.That(batch.Items[i].SpatialShape, Is.EqualTo(new long[] { 7, 7, 7 }));
            Assert.That(Values(batch.Items[i].Data), Is.All.EqualTo(i));
        }
    }

    [Test]
    public void ScaleByFactorKeepsThePhysicalExtent()
    {
        var affine = Oblique(1.0, 1.5, 2.0);
        using var before = Image(Uniform([1, 8, 6, 5]), affine);
        using var context = Context(("image", before.With(before.Data.clone())));
        new ScaleByFactor(["image"], [2.0, 0.5, 1.3]).Apply(context);
        var after = ImageOf(context, "image");
        Assert.That(after.SpatialShape, Is.EqualTo(new long[] { 16, 3, 6 }), "round(8·2), round(6·0.5), round(5·1.3 = 6.5) to even");
        Assert.That(after.Spacing, Is.EqualTo(new[] { 0.5, 3.0, 2.0 * 5 / 6 }).Within(1e-12));
        // The outer voxel edges coincide: the world point half a voxel before index 0 is the same.
        AssertSameWorld(after.Affine.Apply(-0.5, -0.5, -0.5), affine.Apply(-0.5, -0.5, -0.5));
        AssertWorldInvariant(before, after, Interpolation.Linear, 2e-3);
    }

    [Test]
    public void ScaleToShapeHitsTheShapeOn2DAndMultiChannelImages()
    {
        using var before = Image(Uniform([3, 10, 7]), Axes(0.8, 1.1, 1));
        using var context = Context(("image", before.With(before.Data.clone())));
        new ScaleToShape(["image"], [4, 0]).Apply(context);
        var after = ImageOf(context, "image");
        Assert.That(after.Data.shape, Is.EqualTo(new long[] { 3, 4, 7 }), "an entry ≤ 0 keeps the axis");
        Assert.That(after.Spacing, Is.EqualTo(new[] { 2.0, 1.1 }).Within(1e-12));
        AssertWorldInvariant(before, after, Interpolation.Linear, 2e-3);
    }

    [Test]
    public void ResizingLabelsUsesNearestNeighbour()
    {
        using var labels = tensor(new float[] { 0, 1, 2, 3 }).reshape(1, 4, 1);
        using var context = Context(("label", Image(labels.clone(), Axes(1, 1, 1))));
        new ScaleToShape(["label"], [8, 1], isLabel: true).Apply(context);
        Assert.That(Values(ImageOf(context, "label").Data), Is.EqualTo(new double[] { 0, 0, 1, 1, 2, 2, 3, 3 }));
    }

    [TestCase("target_resolution", 0)]
    [TestCase("target_resolution[1]", 1)]
    [TestCase("factor[0]", 2)]
    [TestCase("factor", 3)]
    [TestCase("fields", 4)]
    [TestCase("target_shape", 5)]
    public void BadArgsNameTheArg(string arg, int which)
    {
        var e = Assert.Throws<ConfigArgException>(() => _ = which switch
        {
            0 => (object)new ScaleByResolution(["image"], [0.0, -1]),
            1 => new ScaleByResolution(["image"], [1, double.NaN]),
            2 => new ScaleByFactor(["image"], [0]),
            3 => new ScaleByFactor(["image"], [1, 1, 1, 1]),
            4 => new ScaleToShape([], [4]),
            _ => new ScaleToShape(["image"], []),
        });
        Assert.That(e!.Arg, Is.EqualTo(arg));
    }

    [Test]
    public void AMissingFieldNamesTheTransform()
    {
        using var context = Context(("image", Image(zeros(1, 2, 2, 2))));
        var e = Assert.Throws<Pipeline.Data.SampleFieldException>(() => new ScaleByResolution(["label"], [1.0]).Apply(context));
        Assert.That(e!.Message, Does.Contain("ScaleByResolution").And.Contain("'label'"));
    }
}
