using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Labels;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

public sealed class ThresholdValuesTests
{
    [Test]
    public void ValuesStrictlyAboveTheThresholdBecomeOne()
    {
        using var context = Context(("model", Image([0.2f, 0.5f, 0.50001f, 0.9f, float.NaN, -1f], [1, 2, 3])));
        new ThresholdValues(["model"]).Apply(context);
        var result = context.GetImage("model", "test");
        Assert.That(Values(result.Data), Is.EqualTo(new float[] { 0, 0, 1, 1, 0, 0 }));
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(result.Affine, Is.EqualTo(Affine));
    }

    [Test]
    public void EveryChannelOfA3DImageIsThresholdedWithTheGivenThreshold()
    {
        // Channels TC, WT, ET of a 2×1×2 volume.
        float[] values = [0.1f, 0.2f, 0.6f, 0.9f, 0.29f, 0.31f, 0.7f, 0f, 1f, 0.25f, 0.5f, 0.35f];
        using var context = Context(("model", Image(values, [3, 2, 1, 2])));
        new ThresholdValues(["model"], threshold: 0.3, dtype: "uint8").Apply(context);
        var result = context.GetImage("model", "test");
        Assert.That(result.Data.shape, Is.EqualTo(new long[] { 3, 2, 1, 2 }));
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(Values(result.Data), Is.EqualTo(new float[] { 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1 }));
    }

    [Test]
    public void IntegerInputsCompareAgainstAFractionalThreshold()
    {
        using var context = Context(("label", Image(tensor(new byte[] { 0, 1, 2, 3 }).reshape(1, 2, 2))));
        new ThresholdValues(["label"], threshold: 1.5).Apply(context);
        Assert.That(Values(context, "label"), Is.EqualTo(new float[] { 0, 0, 1, 1 }));
    }

    [Test]
    public void CropsOfABatchAreThresholded()
    {
        using var context = Context(("model", new ImageBatch([Image([0.7f, 0.2f], [1, 2, 1]), Image([0.1f, 0.8f], [1, 2, 1])])));
        new ThresholdValues(["model"]).Apply(context);
        var batch = (ImageBatch)context.Get("model")!;
        Assert.That(Values(batch.Items[0].Data), Is.EqualTo(new float[] { 1, 0 }));
        Assert.That(Values(batch.Items[1].Data), Is.EqualTo(new float[] { 0, 1 }));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void NonFiniteThresholdIsRejected(double threshold) =>
        Assert.That(() => new ThresholdValues(["model"], threshold), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("threshold"));

    [Test]
    public void EmptyFieldsAreRejected() =>
        Assert.That(() => new ThresholdValues([]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));

    [Test]
    public void MissingFieldNamesFieldTransformAndSample()
    {
        using var context = Context();
        Assert.That(() => new ThresholdValues(["model"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'model'").And.Message.Contains(nameof(ThresholdValues)).And.Message.Contains("sample 3"));
    }
}
