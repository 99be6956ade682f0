using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Loading;
using static Pipeline.Tests.Transforms.Intensity.IntensityTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Loading;

/// <summary>ConvertToChannelsFirst (a checked no-op) and RepeatChannel.</summary>
public sealed class ChannelTransformsTests
{
    [Test]
    public void ConvertToChannelsFirstLeavesLoadedImagesUntouched()
    {
        var image = Image(Uniform([2, 3, 4, 5]));
        var crops = new ImageBatch([Image(Uniform([1, 2, 2]))]);
        using var context = Context(("image", image), ("label", crops));
        var transform = new ConvertToChannelsFirst(["image", "label"]);
        transform.Apply(context);
        Assert.That(context.Get("image"), Is.SameAs(image));
        Assert.That(context.Get("label"), Is.SameAs(crops));
        Assert.That(image.Data.shape, Is.EqualTo(new long[] { 2, 3, 4, 5 }));
        Assert.That(transform.IsDeterministic, Is.True);
        Assert.That(transform.ReadsFields, Is.EqualTo(new[] { "image", "label" }));
        Assert.That(transform.WritesFields, Is.Empty);
    }

    [Test]
    public void ConvertToChannelsFirstReportsAFieldThatIsMissingOrNotLoaded()
    {
        using var context = Context(("image", "/data/img.nii.gz"));
        Assert.That(() => new ConvertToChannelsFirst(["label"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("ConvertToChannelsFirst").And.Message.Contains("'label'"));
        Assert.That(() => new ConvertToChannelsFirst(["image"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("String"));
    }

    [Test]
    public void RepeatChannelRepeatsEachChannelInPlaceAsMonai()
    {
        using var context = Context(("image", Image(tensor(new short[] { 1, 2, 3, 4 }).reshape(2, 2, 1))));
        new RepeatChannel(["image"], 2).Apply(context);
        var image = context.GetImage("image", "test");
        Assert.That(image.Data.shape, Is.EqualTo(new long[] { 4, 2, 1 }));
        Assert.That(Values(image.Data), Is.EqualTo(new double[] { 1, 2, 1, 2, 3, 4, 3, 4 }), "[a, a, b, b], not [a, b, a, b]");
        Assert.That(image.Data.dtype, Is.EqualTo(ScalarType.Int16));
        Assert.That(image.Affine, Is.EqualTo(Affine));
    }

    [Test]
    public void RepeatChannelTurnsGreyCropsIntoThreeChannels()
    {
        using var context = Context(("image", new ImageBatch([Image(Uniform([1, 4, 4, 2])), Image(Uniform([1, 4, 4, 2], seed: 3))])));
        new RepeatChannel(["image"], 3).Apply(context);
        var batch = (ImageBatch)context.Get("image")!;
        Assert.That(batch.Items.Select(i => i.Channels), Is.All.EqualTo(3));
        Assert.That(Identical(batch.Items[1].Data[2], batch.Items[1].Data[0]), Is.True);
    }

    [Test]
    public void RepeatsIsValidatedAndAcceptsMonaisAndTheShortName()
    {
        Assert.That(() => new RepeatChannel(["image"], 0), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("repeats"));
        Assert.That(FromConfig("RepeatChannel", """{ "fields": "image", "repeats": 3 }""", typeof(RepeatChannel)), Is.InstanceOf<RepeatChannel>());
        Assert.That(FromConfig("RepeatChannel", """{ "fields": "image", "repeat": 3 }""", typeof(RepeatChannel)), Is.InstanceOf<RepeatChannel>());
        var problems = new ConfigProblems();
        Assert.That(TryFromConfig("RepeatChannel", """{ "fields": "image" }""", problems, typeof(RepeatChannel)), Is.Null, "the count has no default");
        Assert.That(problems.Items.Single().Message, Does.Contain("repeats"));
    }

    [Test]
    public void ConvertToChannelsFirstBindsFromClaraConfigs() =>
        Assert.That(FromConfig("ConvertToChannelsFirst", """{ "fields": ["image", "label"] }""", typeof(ConvertToChannelsFirst)), Is.InstanceOf<ConvertToChannelsFirst>());
}
