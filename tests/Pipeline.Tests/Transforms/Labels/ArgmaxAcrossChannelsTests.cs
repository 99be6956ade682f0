using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Labels;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

public sealed class ArgmaxAcrossChannelsTests
{
    /// <summary>Scores −(c − L)² peak at channel L, so the argmax must reproduce the label map L exactly.</summary>
    [TestCase(new long[] { 4, 5, 6 })]
    [TestCase(new long[] { 7, 3 })]
    public void RecoversTheLabelMapFromPeakedScores(long[] spatial)
    {
        const int channels = 4;
        using var labels = arange(spatial.Aggregate(1L, (a, b) => a * b)).remainder(channels).reshape([1, .. spatial]).to_type(ScalarType.Float32);
        using var c = arange(channels, dtype: ScalarType.Float32).reshape([channels, .. spatial.Select(_ => 1L)]);
        var scores = (c - labels).square().neg();
        using var context = Context(("model", Image(scores)));

        new ArgmaxAcrossChannels(["model"]).Apply(context);

        var result = context.GetImage("model", "test");
        Assert.That(result.Data.shape, Is.EqualTo((long[])[1, .. spatial]));
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(SameValues(result.Data, labels), Is.True);
        Assert.That(result.Affine, Is.EqualTo(Affine));
        Assert.That(result.Properties.SourceFiles, Is.EqualTo(new[] { "/data/case_07.nii.gz" }));
    }

    [Test]
    public void TiesGoToTheLowestChannel()
    {
        // Five voxels, three channels: [1,1,0], [0,1,1], [2,2,2], [0,0,3], [5,4,5].
        float[] scores = [1, 0, 2, 0, 5, 1, 1, 2, 0, 4, 0, 1, 2, 3, 5];
        using var context = Context(("model", Image(scores, [3, 5, 1])));

        new ArgmaxAcrossChannels(["model"]).Apply(context);

        Assert.That(Values(context, "model"), Is.EqualTo(new float[] { 0, 1, 0, 2, 0 }));
    }

    [Test]
    public void SingleChannelGivesZeros()
    {
        using var context = Context(("model", Image([0.2f, 0.9f, 0.4f, 0.7f], [1, 2, 2])));
        new ArgmaxAcrossChannels(["model"]).Apply(context);
        Assert.That(Values(context, "model"), Is.EqualTo(new float[4]));
    }

    [Test]
    public void DtypeChoosesTheTypeOfTheIndices()
    {
        using var context = Context(("model", Image([0.1f, 0.9f, 0.9f, 0.1f], [2, 2, 1])));
        new ArgmaxAcrossChannels(["model"], dtype: "uint8").Apply(context);
        var result = context.GetImage("model", "test");
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(Values(result.Data), Is.EqualTo(new float[] { 1, 0 }));
    }

    [Test]
    public void EachCropOfABatchIsProcessedAndTheFieldStaysABatch()
    {
        var crops = new ImageBatch([Image([0f, 1f, 1f, 0f], [2, 2, 1]), Image([3f, 1f, 2f, 5f], [2, 2, 1])]);
        using var context = Context(("model", crops));

        new ArgmaxAcrossChannels(["model"]).Apply(context);

        var batch = (ImageBatch)context.Get("model")!;
        Assert.That(Values(batch.Items[0].Data), Is.EqualTo(new float[] { 1, 0 }));
        Assert.That(Values(batch.Items[1].Data), Is.EqualTo(new float[] { 0, 1 }));
    }

    [Test]
    public void BadArgsNameTheArg()
    {
        Assert.That(() => new ArgmaxAcrossChannels([]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        Assert.That(() => new ArgmaxAcrossChannels([""]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields[0]"));
        Assert.That(() => new ArgmaxAcrossChannels(["model"], dtype: "complex64"), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("dtype"));
    }

    [Test]
    public void MissingFieldNamesFieldTransformAndSample()
    {
        using var context = Context(("image", Image([1f], [1, 1, 1])));
        Assert.That(() => new ArgmaxAcrossChannels(["model"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'model'")
                .And.Message.Contains(nameof(ArgmaxAcrossChannels)).And.Message.Contains("case_07"));
    }
}
