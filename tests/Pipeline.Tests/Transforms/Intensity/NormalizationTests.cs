using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Intensity;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>NormalizeNonzeroIntensities and CenterData as transforms (their numerics are pinned by <see cref="IntensityGoldenTests"/>).</summary>
public sealed class NormalizationTests
{
    [Test]
    public void NonzeroNormalisationKeepsZerosAndStandardisesTheRestPerChannel()
    {
        // Channel 0: non-zero values 2, 4, 6 (mean 4, population std √(8/3)); channel 1: values 100, 300.
        using var context = Context(("image", Image(tensor(new float[] { 0, 2, 4, 0, 6, 0, 100, 0, 0, 300, 0, 0 }).reshape(2, 2, 3))));
        new NormalizeNonzeroIntensities(["image"]).Apply(context);
        var s = Math.Sqrt(8.0 / 3);
        Assert.That(Values(DataOf(context, "image")), Is.EqualTo(new[] { 0, -2 / s, 0, 0, 2 / s, 0, -1, 0, 0, 1, 0, 0 }).Within(1e-6));
    }

    [Test]
    public void NonzeroNormalisationOfIntegerDataGivesFloat32AndKeepsGeometry()
    {
        using var context = Context(("image", Image(tensor(new short[] { 0, 10, 20, 30 }).reshape(1, 2, 2, 1))));
        new NormalizeNonzeroIntensities(["image"]).Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(image.Data.shape, Is.EqualTo(new long[] { 1, 2, 2, 1 }));
        Assert.That(image.Affine, Is.EqualTo(Affine));
        Assert.That(Values(image.Data)[0], Is.EqualTo(0));
    }

    [Test]
    public void NormalisingDoesNotModifyTheInputTensor()
    {
        using var data = tensor(new double[] { 0, 1, 2, 3 }).reshape(1, 2, 2);
        using var result = NormalizeNonzeroIntensities.Normalize(data);
        using var centred = CenterData.Center(data);
        Assert.That(Values(data), Is.EqualTo(new double[] { 0, 1, 2, 3 }));
        Assert.That(Values(centred)[0], Is.LessThan(0));
    }

    [Test]
    public void CenterDataStandardisesEachChannelOverAllVoxels()
    {
        using var context = Context(("image", new ImageBatch([Image(tensor(new float[] { 1, 3, 10, 10 }).reshape(2, 2, 1))])));
        new CenterData(["image"]).Apply(context);
        var batch = (ImageBatch)context.Get("image")!;
        Assert.That(Values(batch.Items[0].Data), Is.EqualTo(new double[] { -1, 1, 0, 0 }).Within(1e-6), "a constant channel becomes 0 (std 0 → 1)");
    }

    [Test]
    public void Float64DataStayFloat64()
    {
        using var context = Context(("image", Image(tensor(new double[] { 1, 2, 3, 4 }).reshape(1, 2, 2))));
        new CenterData(["image"]).Apply(context);
        Assert.That(DataOf(context, "image").dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void BothAreDeterministicAndCheckTheirFields()
    {
        Assert.That(new NormalizeNonzeroIntensities(["image"]).IsDeterministic && new CenterData(["image"]).IsDeterministic);
        Assert.That(() => new CenterData(["image", "image"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        Assert.That(() => new NormalizeNonzeroIntensities([""]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields[0]"));
        using var context = Context(("label", Image(zeros(1, 2, 2))));
        Assert.That(() => new NormalizeNonzeroIntensities(["image"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("NormalizeNonzeroIntensities").And.Message.Contains("'image'"));
    }
}
