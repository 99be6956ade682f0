using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Imaging;
using Pipeline.Transforms.Crops;
using static Pipeline.Tests.Transforms.Crops.CropTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>CropForegroundObject: the box of the label (or of a thresholded image) plus margin, clamped to the image.</summary>
public sealed class CropForegroundObjectTests
{
    [Test]
    public void CropsToTheLabelBoxPlusMargin()
    {
        var shape = new long[] { 12, 10, 9 };
        using var context = Context(0, 1, 0, ("image", Arange(shape)), ("label", BoxLabel(shape, [4, 3, 2], [6, 5, 7])));

        new CropForegroundObject(["image"], labelField: "label", margin: [1, 2, 3]).Apply(context);

        var image = context.GetImage("image", "test");
        var label = context.GetImage("label", "test");
        // Box [4..6]×[3..5]×[2..7] widened by (1, 2, 3) → [3..7]×[1..7]×[0..8] (axis 2 clamped at 0 and 8).
        using var source = Arange(shape);
        using var expected = source.Data.narrow(1, 3, 5).narrow(2, 1, 7).narrow(3, 0, 9);
        Assert.That(Same(image.Data, expected), Is.True);
        Assert.That(label.SpatialShape, Is.EqualTo(new long[] { 5, 7, 9 }), "the label field is cropped too");
        Assert.That(label.Data.sum().item<float>(), Is.EqualTo(3 * 3 * 6), "the whole object is kept");
        Assert.That(image.Affine.ApproximatelyEquals(new CropWindow([3, 1, 0], [5, 7, 9]).AffineOf(Oblique), 1e-12), Is.True);
    }

    [Test]
    public void WithoutLabelTheBoxComesFromImageAboveTheThreshold()
    {
        var data = zeros(1, 8, 9);
        data[0, 2, 3] = tensor(5f);
        data[0, 5, 7] = tensor(0.5f); // below the threshold
        data[0, 6, 1] = tensor(2f);
        using var context = Context(0, 1, 0, ("image", new MedicalImage(data, Oblique, Properties)));

        new CropForegroundObject(["image"], threshold: 1.0).Apply(context);

        var crop = context.GetImage("image", "test");
        Assert.That(crop.SpatialShape, Is.EqualTo(new long[] { 5, 3 }), "rows 2..6, columns 1..3");
        Assert.That(crop.Affine.ApproximatelyEquals(new CropWindow([2, 1], [5, 3]).AffineOf(Oblique), 1e-12), Is.True);
    }

    [Test]
    public void SourceFieldDefinesTheBoxButIsNotCroppedUnlessListed()
    {
        var shape = new long[] { 10, 10, 10 };
        using var context = Context(0, 1, 0, ("image", Arange(shape)), ("mask", BoxLabel(shape, [2, 2, 2], [4, 5, 6])));

        new CropForegroundObject(["image"], sourceField: "mask", threshold: 0.5).Apply(context);

        Assert.That(context.GetImage("image", "test").SpatialShape, Is.EqualTo(new long[] { 3, 4, 5 }));
        Assert.That(context.GetImage("mask", "test").SpatialShape, Is.EqualTo(shape));
    }

    [Test]
    public void MultiChannelLabelsUseTheUnionOfChannels()
    {
        var shape = new long[] { 10, 10 };
        var data = zeros(2, 10, 10);
        data[0, 1, 1] = tensor(1f);
        data[1, 8, 6] = tensor(1f);
        using var context = Context(0, 1, 0, ("image", Arange(shape)), ("label", new MedicalImage(data, Oblique, Properties)));

        new CropForegroundObject(["image", "label"], labelField: "label").Apply(context);

        Assert.That(context.GetImage("image", "test").SpatialShape, Is.EqualTo(new long[] { 8, 6 }));
        Assert.That(context.GetImage("label", "test").Channels, Is.EqualTo(2));
    }

    [Test]
    public void AVolumeWithoutForegroundIsLeftWhole()
    {
        var shape = new long[] { 6, 5, 4 };
        using var context = Context(0, 1, 0, ("image", Arange(shape)), ("label", BoxLabel(shape, [0, 0, 0], [-1, -1, -1])));
        new CropForegroundObject(["image"], labelField: "label", margin: [2]).Apply(context);
        var crop = context.GetImage("image", "test");
        using var source = Arange(shape);
        Assert.That(Same(crop.Data, source.Data), Is.True);
        Assert.That(crop.Affine, Is.EqualTo(Oblique));
    }

    [Test]
    public void BadArgsAreConfigErrors()
    {
        Assert.That(() => new CropForegroundObject(["image"], labelField: "label", sourceField: "image"),
            Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("source_field"));
        Assert.That(() => new CropForegroundObject(["image"], margin: [1, -1]),
            Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("margin[1]"));
        Assert.That(() => new CropForegroundObject(["image"], margin: [1, 1, 1, 1]),
            Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("margin"));
        Assert.That(() => new CropForegroundObject([]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
    }
}
