using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Labels;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

/// <summary>ConvertToMultiChannelBasedOnBratsClasses and SplitBasedOnBratsClasses against the BraTS closed forms TC = 1|4, WT = 1|2|4, ET = 4.</summary>
public sealed class BratsTransformsTests
{
    // Every BraTS value, plus 3 (not a BraTS label): it belongs to no class.
    private static readonly float[] Labels = [0, 1, 2, 4, 3, 4];
    private static readonly float[] TumorCore = [0, 1, 0, 1, 0, 1];
    private static readonly float[] WholeTumor = [0, 1, 1, 1, 0, 1];
    private static readonly float[] Enhancing = [0, 0, 0, 1, 0, 1];

    [TestCase(new long[] { 1, 2, 3, 1 })]
    [TestCase(new long[] { 1, 3, 2 })]
    public void ConvertBuildsTcWtEtChannels(long[] shape)
    {
        using var context = Context(("label", Image(Labels, shape)));
        new ConvertToMultiChannelBasedOnBratsClasses(["label"]).Apply(context);
        var result = context.GetImage("label", "test");
        Assert.That(result.Data.shape, Is.EqualTo((long[])[3, .. shape[1..]]));
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Values(result.Data), Is.EqualTo(TumorCore.Concat(WholeTumor).Concat(Enhancing)));
        Assert.That(result.Affine, Is.EqualTo(Affine));
    }

    [Test]
    public void ClassNamesSelectAndOrderTheChannels()
    {
        using var context = Context(("label", Image(tensor(new byte[] { 0, 1, 2, 4, 3, 4 }).reshape(1, 6, 1))));
        new ConvertToMultiChannelBasedOnBratsClasses(["label"], ["et", "WC"], dtype: "uint8").Apply(context);
        var result = context.GetImage("label", "test");
        Assert.That(result.Data.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(Values(result.Data), Is.EqualTo(Enhancing.Concat(WholeTumor)));
    }

    [Test]
    public void ConvertHandlesEveryCropAndRejectsMultiChannelInput()
    {
        using var batch = Context(("label", new ImageBatch([Image(Labels, [1, 6, 1]), Image(Labels.Reverse().ToArray(), [1, 6, 1])])));
        new ConvertToMultiChannelBasedOnBratsClasses(["label"]).Apply(batch);
        var second = ((ImageBatch)batch.Get("label")!).Items[1];
        Assert.That(Values(second.Data)[12..], Is.EqualTo(Enhancing.Reverse()));

        using var multi = Context(("label", Image(new float[12], [2, 6, 1])));
        Assert.That(() => new ConvertToMultiChannelBasedOnBratsClasses(["label"]).Apply(multi),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("2 channels").And.Message.Contains(nameof(ConvertToMultiChannelBasedOnBratsClasses)));
    }

    [Test]
    public void ConvertBadArgs()
    {
        Assert.That(() => new ConvertToMultiChannelBasedOnBratsClasses([]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        Assert.That(() => new ConvertToMultiChannelBasedOnBratsClasses(["label"], ["TC", "NCR"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("class_names[1]"));
        Assert.That(() => new ConvertToMultiChannelBasedOnBratsClasses(["label"], ["TC", "tc"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("class_names[1]"));
        Assert.That(() => new ConvertToMultiChannelBasedOnBratsClasses(["label"], []), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("class_names"));
    }

    [Test]
    public void SplitFromALabelMapGivesOneMaskFieldPerClass()
    {
        using var context = Context(("label", Image(Labels, [1, 3, 2, 1])));
        new SplitBasedOnBratsClasses("label").Apply(context);
        Assert.That(Values(context, "label_TC"), Is.EqualTo(TumorCore));
        Assert.That(Values(context, "label_WT"), Is.EqualTo(WholeTumor));
        Assert.That(Values(context, "label_ET"), Is.EqualTo(Enhancing));
        Assert.That(context.GetImage("label_WT", "test").Data.shape, Is.EqualTo(new long[] { 1, 3, 2, 1 }));
        Assert.That(Values(context, "label"), Is.EqualTo(Labels), "the source field is kept");
    }

    [Test]
    public void SplitFromThreeChannelsCopiesTheSelectedChannels()
    {
        float[] channels = [.. TumorCore, .. WholeTumor, .. Enhancing];
        using var context = Context(("model", Image(channels, [3, 6, 1])));
        new SplitBasedOnBratsClasses("model", ["ET", "TC"], ["pred_et", "pred_tc"], dtype: "uint8").Apply(context);
        Assert.That(Values(context, "pred_et"), Is.EqualTo(Enhancing));
        Assert.That(Values(context, "pred_tc"), Is.EqualTo(TumorCore));
        Assert.That(context.GetImage("pred_tc", "test").Data.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(context.Has("model_WT"), Is.False);
    }

    [Test]
    public void SplitRejectsOtherChannelCountsAndMismatchedNames()
    {
        using var context = Context(("model", Image(new float[12], [2, 6, 1])));
        Assert.That(() => new SplitBasedOnBratsClasses("model").Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("2 channels").And.Message.Contains(nameof(SplitBasedOnBratsClasses)));
        Assert.That(() => new SplitBasedOnBratsClasses("model", null, ["a", "b"]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("output_fields"));
        Assert.That(() => new SplitBasedOnBratsClasses(" "), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("field"));
    }

    [Test]
    public void MissingFieldNamesFieldTransformAndSample()
    {
        using var context = Context();
        Assert.That(() => new SplitBasedOnBratsClasses("label").Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'label'").And.Message.Contains(nameof(SplitBasedOnBratsClasses)));
        Assert.That(() => new ConvertToMultiChannelBasedOnBratsClasses(["label"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'label'").And.Message.Contains(nameof(ConvertToMultiChannelBasedOnBratsClasses)));
    }
}
