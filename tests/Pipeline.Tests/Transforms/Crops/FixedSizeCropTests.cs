using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Crops;
using static Pipeline.Tests.Transforms.Crops.CropTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>CropSubVolumeCenter and CropFixedSizeRandomCenter: closed forms, padding, reproducibility, alignment of fields, batches.</summary>
public sealed class FixedSizeCropTests
{
    [Test]
    public void CentreCropOfAnArangeVolumeIsTheMiddleSlice()
    {
        using var context = Context(0, 1, 0, ("image", Arange([10, 9, 8], channels: 2)), ("label", Arange([10, 9, 8])));
        using var source = Arange([10, 9, 8], channels: 2);

        new CropSubVolumeCenter([4, 5, 6], ["image", "label"]).Apply(context);

        var crop = context.GetImage("image", "test");
        using var expected = source.Data[.., 3..7, 2..7, 1..7]; // starts 10/2−2, 9/2−2, 8/2−3
        Assert.That(Same(crop.Data, expected), Is.True);
        var shift = AffineMatrix.FromRowMajor([1, 0, 0, 3, 0, 1, 0, 2, 0, 0, 1, 1, 0, 0, 0, 1]);
        Assert.That(crop.Affine.ApproximatelyEquals(Oblique.Multiply(shift), 1e-12), Is.True);
        Assert.That(crop.Properties, Is.SameAs(Properties));
        Assert.That(context.Get("label"), Is.InstanceOf<MedicalImage>(), "a non-batching crop stores a single image");
        Assert.That(Same(context.GetImage("label", "test").Data, crop.Data[..1]), Is.True);
    }

    [Test]
    public void CentreCropPadsAxesShorterThanTheBoxSymmetrically()
    {
        using var context = Context(0, 1, 0, ("image", Arange([3, 6])));

        new CropSubVolumeCenter([6], ["image"]).Apply(context);

        var crop = context.GetImage("image", "test");
        Assert.That(crop.Data.shape, Is.EqualTo(new long[] { 1, 6, 6 }));
        var values = Values(crop.Data);
        for (var i = 0; i < 6; i++)
        for (var j = 0; j < 6; j++)
        {
            var source = i - 1; // (6 − 3)/2 = 1 voxel of padding before, 2 after
            var expected = source is >= 0 and < 3 ? source * 6 + j : 0;
            Assert.That(values[i * 6 + j], Is.EqualTo(expected), $"voxel ({i}, {j})");
        }
        Assert.That(crop.Affine[0, 3], Is.EqualTo(Oblique[0, 3] - Oblique[0, 0]).Within(1e-12), "translated by start −1 along axis 0");
    }

    [Test]
    public void RandomCropStaysInsideAndFieldsStayAligned()
    {
        var shape = new long[] { 12, 11, 10 };
        for (var index = 0; index < 40; index++)
        {
            using var context = Context(index, 7, 0, ("image", Arange(shape)), ("label", Arange(shape)));
            new CropFixedSizeRandomCenter([5, 6, 7], ["image", "label"]).Apply(context);

            var image = context.GetImage("image", "test");
            var label = context.GetImage("label", "test");
            Assert.That(image.SpatialShape, Is.EqualTo(new long[] { 5, 6, 7 }));
            Assert.That(Same(image.Data, label.Data), Is.True, "image and label get the same box");
            var first = SourceIndex(Values(image.Data)[0], shape);
            for (var a = 0; a < 3; a++) Assert.That(first[a], Is.InRange(0, shape[a] - image.SpatialShape[a]));
            using var source = Arange(shape);
            using var expected = source.Data.narrow(1, first[0], 5).narrow(2, first[1], 6).narrow(3, first[2], 7);
            Assert.That(Same(image.Data, expected), Is.True, "a contiguous box");
            Assert.That(image.Affine.ApproximatelyEquals(new CropWindow(first, [5, 6, 7]).AffineOf(Oblique), 1e-12), Is.True);
        }
    }

    [Test]
    public void RandomCropPadsAxesShorterThanTheBoxAndRandomisesTheOthers()
    {
        var starts = new HashSet<long>();
        for (var index = 0; index < 30; index++)
        {
            using var context = Context(index, 3, 0, ("image", Arange([3, 10])));
            new CropFixedSizeRandomCenter([5, 4], ["image"]).Apply(context);
            var crop = context.GetImage("image", "test");
            var values = Values(crop.Data);
            Assert.That(values.Take(4).Concat(values.Skip(16)), Has.All.EqualTo(0), "rows 0 and 4 are padding: start −1 along axis 0");
            var start1 = (long)values[4] % 10;
            starts.Add(start1);
            Assert.That(crop.Affine.ApproximatelyEquals(new CropWindow([-1, start1], [5, 4]).AffineOf(Oblique), 1e-12), Is.True);
        }
        Assert.That(starts.Count, Is.GreaterThan(3), "axis 1 is still random");
    }

    [Test]
    public void RandomCropReachesEveryStart()
    {
        var seen = new HashSet<long>();
        for (var index = 0; index < 200; index++)
        {
            using var context = Context(index, 3, 0, ("image", Arange([8, 4])));
            new CropFixedSizeRandomCenter([5, 4], ["image"]).Apply(context);
            seen.Add(SourceIndex(Values(context.GetImage("image", "test").Data)[0], [8, 4])[0]);
        }
        Assert.That(seen, Is.EquivalentTo(new long[] { 0, 1, 2, 3 }), "starts 0..n−size are all drawn");
    }

    [Test]
    public void RandomCropIsReproducibleAndChangesWithTheEpoch()
    {
        double[] Crop(int epoch, int index = 5)
        {
            using var context = Context(index, 42, epoch, ("image", Arange([30, 30, 30])));
            new CropFixedSizeRandomCenter([4], ["image"]).Apply(context);
            return Values(context.GetImage("image", "test").Data);
        }

        Assert.That(Crop(0), Is.EqualTo(Crop(0)), "same (seed, epoch, index)");
        var differs = Enumerable.Range(1, 5).Count(e => !Crop(e).SequenceEqual(Crop(0)));
        Assert.That(differs, Is.GreaterThanOrEqualTo(4), "another epoch draws another box");
        Assert.That(Crop(0, index: 6), Is.Not.EqualTo(Crop(0)), "another sample draws another box");
    }

    [Test]
    public void RandomCropCutsEveryItemOfABatchWithItsOwnBoxAndKeepsTheBatch()
    {
        var items = new[] { Arange([9, 9]), Arange([9, 9]), Arange([9, 9]) };
        var labels = new[] { Arange([9, 9]), Arange([9, 9]), Arange([9, 9]) };
        using var context = Context(1, 9, 0, ("image", new ImageBatch(items)), ("label", new ImageBatch(labels)));

        new CropFixedSizeRandomCenter([3, 3], ["image", "label"]).Apply(context);

        Assert.That(context.Get("image"), Is.InstanceOf<ImageBatch>());
        var images = ImagesOf(context, "image");
        var cropped = ImagesOf(context, "label");
        Assert.That(images, Has.Count.EqualTo(3));
        for (var j = 0; j < 3; j++) Assert.That(Same(images[j].Data, cropped[j].Data), Is.True, $"item {j} aligned");
    }

    [Test]
    public void FieldsOnDifferentGridsAreRejected()
    {
        using var context = Context(0, 1, 0, ("image", Arange([8, 8, 8])), ("label", Arange([8, 8, 7])));
        var error = Assert.Throws<InvalidOperationException>(() => new CropSubVolumeCenter([4], ["image", "label"]).Apply(context));
        Assert.That(error!.Message, Does.Contain("label").And.Contain("sample 0"));
    }

    [Test]
    public void SizeOfTheWrongRankIsReportedAtRunTime()
    {
        using var context = Context(0, 1, 0, ("image", Arange([8, 8])));
        var error = Assert.Throws<InvalidOperationException>(() => new CropSubVolumeCenter([4, 4, 4], ["image"]).Apply(context));
        Assert.That(error!.Message, Does.Contain("size").And.Contain("2 spatial axes"));
    }

    [Test]
    public void MissingFieldNamesTheTransform()
    {
        using var context = Context(0, 1, 0, ("image", Arange([8, 8])));
        var error = Assert.Throws<SampleFieldException>(() => new CropFixedSizeRandomCenter([4], ["image", "label"]).Apply(context));
        Assert.That(error!.Message, Does.Contain("CropFixedSizeRandomCenter").And.Contain("label"));
    }

    [TestCase(new[] { 4, -1, 4 }, "size[1]")]
    [TestCase(new[] { 0 }, "size[0]")]
    [TestCase(new int[0], "size")]
    [TestCase(new[] { 4, 4, 4, 4 }, "size")]
    public void BadSizesAreConfigErrors(int[] size, string arg)
    {
        Assert.That(() => new CropSubVolumeCenter(size, ["image"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo(arg));
        Assert.That(() => new CropFixedSizeRandomCenter(size, ["image"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo(arg));
    }

    [Test]
    public void NoFieldsIsAConfigError() =>
        Assert.That(() => new CropSubVolumeCenter([4], []), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));

    [Test]
    public void DeterminismFlags()
    {
        Assert.That(new CropSubVolumeCenter([4], ["image"]).IsDeterministic, Is.True);
        Assert.That(new CropFixedSizeRandomCenter([4], ["image"]).IsDeterministic, Is.False);
    }
}
