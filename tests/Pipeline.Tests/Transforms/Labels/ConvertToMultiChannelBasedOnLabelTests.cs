using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Labels;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

public sealed class ConvertToMultiChannelBasedOnLabelTests
{
    [Test]
    public void NumClassesGivesOneHotChannelsForZeroToNMinusOne()
    {
        // 5 is out of range: zero in every channel.
        using var context = Context(("label", Image([0f, 1f, 2f, 5f, 1f, 0f], [1, 3, 2, 1])));
        new ConvertToMultiChannelBasedOnLabel(["label"], numClasses: 3).Apply(context);
        var result = context.GetImage("label", "test");
        Assert.That(result.Data.shape, Is.EqualTo(new long[] { 3, 3, 2, 1 }));
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Values(result.Data), Is.EqualTo(new float[] { 1, 0, 0, 0, 0, 1, /**/ 0, 1, 0, 0, 1, 0, /**/ 0, 0, 1, 0, 0, 0 }));
        Assert.That(result.Affine, Is.EqualTo(Affine));
    }

    /// <summary>Closed form: summing the one-hot channels weighted by their label values restores every listed value.</summary>
    [Test]
    public void ListedLabelsInTheirOrderRoundTripOn2DIntegerMaps()
    {
        using var labels = tensor(new long[] { 4, 1, 0, 4, 7, 1, 0, 7, 4, 1, 1, 0 }).reshape(1, 3, 4);
        using var context = Context(("label", Image(labels.clone())));
        double[] values = [4, 1, 7];
        new ConvertToMultiChannelBasedOnLabel(["label"], labels: values, dtype: "uint8").Apply(context);
        var result = context.GetImage("label", "test").Data;
        Assert.That(result.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(result.shape, Is.EqualTo(new long[] { 3, 3, 4 }));
        using var weights = tensor(values).reshape(3, 1, 1);
        using var restored = (result.to_type(ScalarType.Float64) * weights).sum(0, keepdim: true);
        Assert.That(SameValues(restored, labels), Is.True);
        Assert.That(result.sum(0L).le(1).all().item<bool>(), Is.True, "at most one channel per voxel");
    }

    [Test]
    public void CropsOfABatchAreEncoded()
    {
        using var context = Context(("label", new ImageBatch([Image([1f, 0f], [1, 2, 1]), Image([0f, 1f], [1, 2, 1])])));
        new ConvertToMultiChannelBasedOnLabel(["label"], numClasses: 2).Apply(context);
        var batch = (ImageBatch)context.Get("label")!;
        Assert.That(Values(batch.Items[0].Data), Is.EqualTo(new float[] { 0, 1, 1, 0 }));
        Assert.That(Values(batch.Items[1].Data), Is.EqualTo(new float[] { 1, 0, 0, 1 }));
    }

    [Test]
    public void BadArgsNameTheArg()
    {
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel(["label"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("labels"));
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel(["label"], [1], 2), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("num_classes"));
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel(["label"], numClasses: 0), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("num_classes"));
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel(["label"], [1, 2, 1]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("labels[2]"));
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel(["label"], [double.NaN]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("labels[0]"));
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel([], numClasses: 2), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
    }

    [Test]
    public void MultiChannelInputAndMissingFieldsAreReported()
    {
        using var context = Context(("label", Image([0f, 1f], [2, 1, 1])));
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel(["label"], numClasses: 2).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("2 channels"));
        Assert.That(() => new ConvertToMultiChannelBasedOnLabel(["seg"], numClasses: 2).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'seg'").And.Message.Contains(nameof(ConvertToMultiChannelBasedOnLabel)));
    }
}
