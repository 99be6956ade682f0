using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Crops;
using static Pipeline.Tests.Transforms.Crops.CropTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>CropByPosNegRatio, FastCropByPosNegRatio and CropByPosNegRatioLabelOnly: batches of aligned, inside-the-image, reproducible crops.</summary>
public sealed class PosNegBatchCropTests
{
    private static ITransform Create(string name, int[] size, string[] fields, int batchSize, double pos = 1, double neg = 1) => name switch
    {
        "CropByPosNegRatio" => new CropByPosNegRatio(size, fields, "label", pos, neg, batchSize, batchesToGenAtOnce: 30),
        "FastCropByPosNegRatio" => new FastCropByPosNegRatio(size, fields, "label", pos, neg, batchSize, batchesToGenAtOnce: 48),
        "CropByPosNegRatioLabelOnly" => new CropByPosNegRatioLabelOnly(size, fields, "label", pos, neg, batchSize, batchesToGenAtOnce: 1),
        _ => throw new ArgumentException(name),
    };

    private static readonly string[] Names = ["CropByPosNegRatio", "FastCropByPosNegRatio", "CropByPosNegRatioLabelOnly"];

    [TestCaseSource(nameof(Names))]
    public void EmitsABatchOfAlignedCropsInsideTheImage(string name)
    {
        var shape = new long[] { 20, 18, 16 };
        using var context = Context(4, 1, 0, ("image", Arange(shape)), ("label", BoxLabel(shape, [1, 14, 12], [2, 16, 15])));
        using var source = Arange(shape);
        using var labelSource = BoxLabel(shape, [1, 14, 12], [2, 16, 15]);

        Create(name, [8, 6, 5], ["image"], batchSize: 5).Apply(context);

        Assert.That(context.Get("image"), Is.InstanceOf<ImageBatch>());
        Assert.That(context.Get("label"), Is.InstanceOf<ImageBatch>(), "the label field is cropped although only 'image' is listed");
        var images = ImagesOf(context, "image");
        var labels = ImagesOf(context, "label");
        Assert.That(images, Has.Count.EqualTo(5));
        Assert.That(labels, Has.Count.EqualTo(5));
        for (var c = 0; c < 5; c++)
        {
            Assert.That(images[c].SpatialShape, Is.EqualTo(new long[] { 8, 6, 5 }));
            var start = SourceIndex(Values(images[c].Data)[0], shape);
            for (var a = 0; a < 3; a++) Assert.That(start[a], Is.InRange(0, shape[a] - images[c].SpatialShape[a]), $"crop {c} inside along axis {a}");
            using var expectedImage = source.Data.narrow(1, start[0], 8).narrow(2, start[1], 6).narrow(3, start[2], 5);
            using var expectedLabel = labelSource.Data.narrow(1, start[0], 8).narrow(2, start[1], 6).narrow(3, start[2], 5);
            Assert.That(Same(images[c].Data, expectedImage), Is.True, $"crop {c} is a box of the image");
            Assert.That(Same(labels[c].Data, expectedLabel), Is.True, $"crop {c} of the label covers the same voxels");
            var affine = new CropWindow(start, [8, 6, 5]).AffineOf(Oblique);
            Assert.That(images[c].Affine.ApproximatelyEquals(affine, 1e-12) && labels[c].Affine.ApproximatelyEquals(affine, 1e-12), Is.True);
            Assert.That(images[c].Properties, Is.SameAs(Properties));
        }
    }

    [TestCaseSource(nameof(Names))]
    public void ABatchOfOneIsStillABatch(string name)
    {
        using var context = Context(0, 1, 0, ("image", Arange([10, 10])), ("label", BoxLabel([10, 10], [3, 3], [4, 4])));
        Create(name, [4, 4], ["image", "label"], batchSize: 1).Apply(context);
        Assert.That(context.Get("image"), Is.InstanceOf<ImageBatch>());
        Assert.That(context.Get("label"), Is.InstanceOf<ImageBatch>());
    }

    [TestCaseSource(nameof(Names))]
    public void ForegroundCentresNearTheBorderAreShiftedSoTheCropFits(string name)
    {
        // Object in a corner: its centres (0|1, 15) give start (0, 16 − 6) after the shift, and every crop holds the object.
        var shape = new long[] { 16, 16 };
        using var context = Context(2, 5, 0, ("image", Arange(shape)), ("label", BoxLabel(shape, [0, 15], [1, 15])));
        Create(name, [6, 6], ["image"], batchSize: 20, pos: 1, neg: 0).Apply(context);
        foreach (var (image, label) in ImagesOf(context, "image").Zip(ImagesOf(context, "label")))
        {
            Assert.That(SourceIndex(Values(image.Data)[0], shape), Is.EqualTo(new long[] { 0, 10 }));
            Assert.That(label.Data.sum().item<float>(), Is.EqualTo(2f), "the whole 2-voxel object is in the crop");
        }
    }

    [TestCaseSource(nameof(Names))]
    public void VolumesSmallerThanTheCropArePadded(string name)
    {
        // Axes 0 and 2 are shorter than the crop: padded symmetrically, 1 voxel before; axis 1 is cropped at random.
        var shape = new long[] { 4, 9, 3 };
        using var context = Context(0, 1, 0, ("image", Arange(shape)), ("label", BoxLabel(shape, [1, 1, 0], [2, 7, 2])));
        using var source = Arange(shape);
        Create(name, [6, 5, 5], ["image", "label"], batchSize: 3).Apply(context);
        foreach (var (image, label) in ImagesOf(context, "image").Zip(ImagesOf(context, "label")))
        {
            Assert.That(image.SpatialShape, Is.EqualTo(new long[] { 6, 5, 5 }));
            var start1 = SourceIndex(Values(image.Data[0, 1, 0, 1])[0], shape)[1];
            using var inner = image.Data.narrow(1, 1, 4).narrow(3, 1, 3);
            using var expected = source.Data.narrow(2, start1, 5);
            Assert.That(Same(inner, expected), Is.True, "the image sits at offset (1, ·, 1)");
            using var before = image.Data.narrow(1, 0, 1);
            using var after = image.Data.narrow(1, 5, 1);
            using var side = image.Data.narrow(3, 4, 1);
            Assert.That(before.abs().sum().item<float>() + after.abs().sum().item<float>() + side.abs().sum().item<float>(), Is.EqualTo(0f), "image padding is 0");
            using var labelSide = label.Data.narrow(3, 0, 1);
            Assert.That(labelSide.abs().sum().item<float>(), Is.EqualTo(0f), "label padding is 0");
            Assert.That(image.Affine.ApproximatelyEquals(new CropWindow([-1, start1, -1], [6, 5, 5]).AffineOf(Oblique), 1e-12), Is.True,
                "the affine records the negative start");
        }
    }

    [TestCaseSource(nameof(Names))]
    public void WorksIn2DAndOnMultiChannelImages(string name)
    {
        var shape = new long[] { 30, 25 };
        using var context = Context(0, 1, 0, ("image", Arange(shape, channels: 3)), ("label", BoxLabel(shape, [10, 10], [12, 14])));
        Create(name, [7], ["image"], batchSize: 4).Apply(context);
        var images = ImagesOf(context, "image");
        Assert.That(images.Select(i => i.Data.shape), Has.All.EqualTo(new long[] { 3, 7, 7 }));
        foreach (var image in images)
        {
            var channel0 = Values(image.Data[0]);
            var channel2 = Values(image.Data[2]);
            Assert.That(channel2.Zip(channel0, (b, a) => b - a), Has.All.EqualTo(200000), "channels cropped together");
        }
    }

    [TestCaseSource(nameof(Names))]
    public void CropsAreReproducibleAndChangeWithEpochAndSample(string name)
    {
        double[] Run(int epoch, int index = 3)
        {
            var shape = new long[] { 24, 24, 24 };
            using var context = Context(index, 2024, epoch, ("image", Arange(shape)), ("label", BoxLabel(shape, [5, 5, 5], [15, 15, 15])));
            context.Position = 4;
            Create(name, [5], ["image"], batchSize: 3).Apply(context);
            return ImagesOf(context, "image").SelectMany(i => Values(i.Data)).ToArray();
        }

        Assert.That(Run(0), Is.EqualTo(Run(0)), "same (seed, epoch, index)");
        Assert.That(Run(1), Is.Not.EqualTo(Run(0)), "another epoch");
        Assert.That(Run(0, index: 4), Is.Not.EqualTo(Run(0)), "another sample");
    }

    [Test]
    public void BackgroundCentresAvoidDarkVoxelsUnlessLabelOnly()
    {
        // Image bright only in rows 0..3; label object at rows 12..13. neg-only crops of size 1 are single voxels = the centres.
        var shape = new long[] { 16, 16 };
        var image = zeros(1, 16, 16);
        image[0, ..4].fill_(1);
        MedicalImage Label() => BoxLabel(shape, [12, 0], [13, 15]);

        using (var context = Context(0, 1, 0, ("image", new MedicalImage(image.clone(), Oblique, Properties)), ("label", Label())))
        {
            new FastCropByPosNegRatio([1], ["image"], "label", pos: 0, neg: 1, batchSize: 50).Apply(context);
            Assert.That(ImagesOf(context, "image").Select(c => c.Data.item<float>()), Has.All.EqualTo(1f), "background needs image > 0");
        }
        using (var context = Context(0, 1, 0, ("image", new MedicalImage(image.clone(), Oblique, Properties)), ("label", Label())))
        {
            new CropByPosNegRatioLabelOnly([1], ["image"], "label", pos: 0, neg: 1, batchSize: 200).Apply(context);
            var values = ImagesOf(context, "image").Select(c => c.Data.item<float>()).ToList();
            Assert.That(values, Does.Contain(0f), "label-only background includes dark voxels");
            Assert.That(ImagesOf(context, "label").Select(c => c.Data.item<float>()), Has.All.EqualTo(0f));
        }
        using (var context = Context(0, 1, 0, ("image", new MedicalImage(image.clone(), Oblique, Properties)), ("label", Label())))
        {
            new CropByPosNegRatio([1], ["image"], "label", pos: 0, neg: 1, batchSize: 50, imageThreshold: 0.5).Apply(context);
            Assert.That(ImagesOf(context, "image").Select(c => c.Data.item<float>()), Has.All.EqualTo(1f));
        }
        image.Dispose();
    }

    [Test]
    public void BatchInputsYieldBatchSizeCropsPerItem()
    {
        var shape = new long[] { 12, 12 };
        using var context = Context(0, 1, 0,
            ("image", new ImageBatch([Arange(shape), Arange(shape)])),
            ("label", new ImageBatch([BoxLabel(shape, [2, 2], [3, 3]), BoxLabel(shape, [8, 8], [9, 9])])));
        new CropByPosNegRatio([4], ["image"], "label", pos: 1, neg: 0, batchSize: 3).Apply(context);
        var labels = ImagesOf(context, "label");
        Assert.That(labels, Has.Count.EqualTo(6), "3 crops of item 0, then 3 of item 1");
        Assert.That(labels.Select(l => l.Data.sum().item<float>()), Has.All.GreaterThan(0f), "each item's crops follow its own label");
    }

    [Test]
    public void BadBatchArgsAreConfigErrors()
    {
        foreach (var name in Names)
        foreach (var batchSize in new[] { -1, 0 })
            Assert.That(() => Create(name, [4], ["image"], batchSize), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("batch_size"), name);
        Assert.That(() => new FastCropByPosNegRatio([4], ["image"], "label", batchSize: 2, batchesToGenAtOnce: 0),
            Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("batches_to_gen_at_once"));
    }

    [Test]
    public void BadArgsAreConfigErrors()
    {
        Assert.That(() => new CropByPosNegRatio([4, -4, 4], ["image"], "label"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("size[1]"));
        Assert.That(() => new CropByPosNegRatio([4, 4, 4, 4], ["image"], "label"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("size"));
        Assert.That(() => new FastCropByPosNegRatio([4], ["image"], "label", pos: 0, neg: 0), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("pos"));
        Assert.That(() => new CropByPosNegRatioLabelOnly([4], ["image"], "label", neg: -1), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("neg"));
        Assert.That(() => new CropByPosNegRatio([4], [], "label"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        Assert.That(() => new CropByPosNegRatio([4], ["image"], ""), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("label_field"));
    }

    [Test]
    public void DeclaresTheLabelFieldAmongItsFields()
    {
        var crop = new FastCropByPosNegRatio([96, 96, 96], ["image"], "label", batchSize: 3, batchesToGenAtOnce: 48);
        Assert.That(crop.ReadsFields, Is.EqualTo(new[] { "image", "label" }));
        Assert.That(crop.WritesFields, Is.EqualTo(new[] { "image", "label" }));
        Assert.That(crop.IsDeterministic, Is.False);
    }
}
