using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

public sealed class ScaleIntensityRangeTests
{
    [Test]
    public void MapsTheWindowLinearlyAndKeepsGeometry()
    {
        using var context = Context(("image", Image(tensor(new short[] { -57, 164, 53, 400, -1000, 0 }).reshape(1, 2, 3))));
        new ScaleIntensityRange(["image"], aMin: -57, aMax: 164).Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Float32), "integer CT becomes float32");
        Assert.That(Values(image.Data), Is.EqualTo(new[] { 0, 1, 110.0 / 221, 457.0 / 221, -943.0 / 221, 57.0 / 221 }).Within(1e-6),
            "without clip values outside the window map outside [0, 1]");
        Assert.That(image.Affine, Is.EqualTo(Affine));
        Assert.That(image.Properties, Is.SameAs(Properties));
    }

    [Test]
    public void ClipHoldsResultsInsideTheTargetRangeEvenWhenItIsReversed()
    {
        using var context = Context(("image", Image(tensor(new float[] { -500, 0, 500 }).reshape(1, 3, 1))));
        new ScaleIntensityRange(["image"], aMin: -100, aMax: 100, bMin: 1, bMax: -1, clip: true).Apply(context);
        Assert.That(Values(DataOf(context, "image")), Is.EqualTo(new[] { 1.0, 0, -1 }));
    }

    [Test]
    public void EveryCropOfABatchAndEveryFieldIsScaled()
    {
        using var context = Context(
            ("image", new ImageBatch([Image(tensor(new float[] { 0, 10 }).reshape(1, 1, 2, 1)), Image(tensor(new float[] { 5, 20 }).reshape(1, 1, 2, 1))])),
            ("other", Image(tensor(new float[] { 10, 10, 0, 0 }).reshape(2, 1, 2))));
        new ScaleIntensityRange(["image", "other"], aMin: 0, aMax: 10).Apply(context);
        var batch = (ImageBatch)context.Get("image")!;
        Assert.That(Values(batch.Items[0].Data), Is.EqualTo(new[] { 0.0, 1 }));
        Assert.That(Values(batch.Items[1].Data), Is.EqualTo(new[] { 0.5, 2 }));
        Assert.That(Values(DataOf(context, "other")), Is.EqualTo(new[] { 1.0, 1, 0, 0 }));
    }

    [Test]
    public void BadArgsAreReportedByName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new ScaleIntensityRange(["image"], 5, 5), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("a_max"));
            Assert.That(() => new ScaleIntensityRange(["image"], 5, 1), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("a_max"));
            Assert.That(() => new ScaleIntensityRange(["image"], 0, 1, double.NaN), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("b_min"));
            Assert.That(() => new ScaleIntensityRange([], 0, 1), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        });
    }

    [Test]
    public void AMissingFieldNamesFieldTransformAndSample()
    {
        using var context = Context(("label", Image(zeros(1, 2, 2))));
        Assert.That(() => new ScaleIntensityRange(["image"], 0, 1).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'image'").And.Message.Contains("ScaleIntensityRange").And.Message.Contains("sample 3"));
    }

    [Test]
    public void IsDeterministicAndDeclaresItsFields()
    {
        var transform = new ScaleIntensityRange(["image", "t2"], 0, 1);
        Assert.That(transform.IsDeterministic, Is.True);
        Assert.That(transform.ReadsFields, Is.EqualTo(new[] { "image", "t2" }));
        Assert.That(transform.WritesFields, Is.EqualTo(new[] { "image", "t2" }));
    }
}
