using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Labels;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

/// <summary>SplitBasedOnLabel and SplitAcrossChannels.</summary>
public sealed class SplitTransformsTests
{
    [Test]
    public void SplitBasedOnLabelMakesOneBinaryMaskPerLabelValue()
    {
        // Values 0..3 over a 2×2×2 volume; value 3 has no name, so it is in no mask.
        float[] labels = [0, 1, 2, 3, 2, 1, 0, 2];
        using var context = Context(("label", Image(labels, [1, 2, 2, 2])));

        new SplitBasedOnLabel("label", ["label_class0", "label_class1", "label_class2"]).Apply(context);

        Assert.That(Values(context, "label_class0"), Is.EqualTo(new float[] { 1, 0, 0, 0, 0, 0, 1, 0 }));
        Assert.That(Values(context, "label_class1"), Is.EqualTo(new float[] { 0, 1, 0, 0, 0, 1, 0, 0 }));
        Assert.That(Values(context, "label_class2"), Is.EqualTo(new float[] { 0, 0, 1, 0, 1, 0, 0, 1 }));
        var mask = context.GetImage("label_class1", "test");
        Assert.That(mask.Data.shape, Is.EqualTo(new long[] { 1, 2, 2, 2 }));
        Assert.That(mask.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(mask.Affine, Is.EqualTo(Affine));
        Assert.That(mask.Properties.OriginalSpatialShape, Is.EqualTo(new long[] { 10, 11, 12 }));
        Assert.That(Values(context, "label"), Is.EqualTo(labels), "the source field is kept");
    }

    [Test]
    public void SplitBasedOnLabelWorksOn2DIntegerLabelsAndMayReplaceItsSource()
    {
        using var context = Context(("model", Image(tensor(new long[] { 0, 1, 1, 0, 2, 1 }).reshape(1, 2, 3))));
        new SplitBasedOnLabel("model", ["background", "model"], dtype: "uint8").Apply(context);
        Assert.That(Values(context, "background"), Is.EqualTo(new float[] { 1, 0, 0, 1, 0, 0 }));
        Assert.That(Values(context, "model"), Is.EqualTo(new float[] { 0, 1, 1, 0, 0, 1 }));
        Assert.That(context.GetImage("model", "test").Data.dtype, Is.EqualTo(ScalarType.Byte));
    }

    [Test]
    public void SplitOfAOneCropBatchGivesBatches()
    {
        using var context = Context(("label", new ImageBatch([Image([0f, 1f, 1f, 0f], [1, 2, 2])])));
        new SplitBasedOnLabel("label", ["c0", "c1"]).Apply(context);
        Assert.That(context.Get("c0"), Is.TypeOf<ImageBatch>());
        Assert.That(Values(((ImageBatch)context.Get("c1")!).Items[0].Data), Is.EqualTo(new float[] { 0, 1, 1, 0 }));
    }

    [Test]
    public void SplitBasedOnLabelRejectsMultiChannelInput()
    {
        using var context = Context(("model", Image([0.2f, 0.8f, 0.8f, 0.2f], [2, 2, 1])));
        Assert.That(() => new SplitBasedOnLabel("model", ["a", "b"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'model'").And.Message.Contains("2 channels").And.Message.Contains(nameof(SplitBasedOnLabel)));
        Assert.That(context.Has("a"), Is.False, "nothing is written when the split fails");
    }

    [Test]
    public void SplitBasedOnLabelBadArgs()
    {
        Assert.That(() => new SplitBasedOnLabel("", ["a"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("field"));
        Assert.That(() => new SplitBasedOnLabel("label", []), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("label_names"));
        Assert.That(() => new SplitBasedOnLabel("label", ["a", "a"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("label_names"));
    }

    [Test]
    public void SplitAcrossChannelsGivesEachChannelItsOwnFieldUnchanged()
    {
        float[] values = [0.1f, 0.2f, 0.3f, 0.4f, 1, 2, 3, 4, -1, -2, -3, -4];
        using var source = tensor(values).reshape(3, 2, 2, 1);
        using var context = Context(("model", Image(source.clone())));

        new SplitAcrossChannels("model", ["TC", "WT", "ET"]).Apply(context);

        Assert.That(Values(context, "TC"), Is.EqualTo(values[..4]));
        Assert.That(Values(context, "WT"), Is.EqualTo(values[4..8]));
        Assert.That(Values(context, "ET"), Is.EqualTo(values[8..]));
        Assert.That(context.GetImage("WT", "test").Data.shape, Is.EqualTo(new long[] { 1, 2, 2, 1 }));
        Assert.That(context.GetImage("ET", "test").Affine, Is.EqualTo(Affine));

        // The new fields own their data: changing the source in place leaves them alone.
        context.GetImage("model", "test").Data.zero_();
        Assert.That(Values(context, "WT"), Is.EqualTo(values[4..8]));
    }

    [Test]
    public void SplitAcrossChannelsOnBatchesSplitsEveryCrop()
    {
        var crops = new ImageBatch([Image([1f, 2f], [2, 1, 1]), Image([3f, 4f], [2, 1, 1])]);
        using var context = Context(("label", crops));
        new SplitAcrossChannels("label", ["a", "b"]).Apply(context);
        var b = (ImageBatch)context.Get("b")!;
        Assert.That(b.Items.Select(i => Values(i.Data)[0]), Is.EqualTo(new float[] { 2, 4 }));
    }

    [Test]
    public void SplitAcrossChannelsNeedsOneNamePerChannel()
    {
        using var context = Context(("model", Image([1f, 2f], [2, 1, 1])));
        Assert.That(() => new SplitAcrossChannels("model", ["TC", "WT", "ET"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("2 channels").And.Message.Contains("names 3"));
        Assert.That(() => new SplitAcrossChannels("model", []), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("channel_names"));
    }

    [Test]
    public void MissingFieldNamesFieldTransformAndSample()
    {
        using var context = Context();
        Assert.That(() => new SplitAcrossChannels("model", ["a"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'model'").And.Message.Contains(nameof(SplitAcrossChannels)).And.Message.Contains("case_07"));
    }
}
