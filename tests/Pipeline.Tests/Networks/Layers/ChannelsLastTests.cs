using NUnit.Framework;
using Pipeline.Networks.Layers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>ChannelsLast recognises and makes the channels-last layout, and its softmax equals libtorch's over axis 1.</summary>
public sealed class ChannelsLastTests
{
    [Test]
    public void CopiesAreChannelsLastAndContiguousTensorsAreNot()
    {
        using var scope = NewDisposeScope();
        var x = randn([2, 3, 4, 5, 6], generator: new Generator(1));

        var copy = ChannelsLast.Copy(x);

        Assert.That(ChannelsLast.Holds(copy), Is.True);
        Assert.That(ChannelsLast.Holds(x), Is.False);
        Assert.That(ChannelsLast.Holds(x[TensorIndex.Colon, TensorIndex.Slice(0, 1)]), Is.False, "one channel is ambiguous");
        Assert.That(copy.equal(x).all().item<bool>(), Is.True);
        Assert.That(ChannelsLast.Holds(ChannelsLast.Copy(randn([2, 3, 4, 5]))), Is.True, "2-D too");
    }

    [TestCase(2)]
    [TestCase(3)]
    public void SoftmaxEqualsSoftmaxOverTheChannels(int channels)
    {
        using var scope = NewDisposeScope();
        var logits = ChannelsLast.Copy(randn([2, channels, 6, 5, 4], generator: new Generator(2)) * 8);

        var probabilities = ChannelsLast.Softmax(logits);

        Assert.That(probabilities.shape, Is.EqualTo(logits.shape));
        Assert.That((probabilities - logits.contiguous().softmax(1)).abs().max().item<float>(), Is.LessThan(1e-6f));
    }

    [Test]
    public void TwoChannelSoftmaxKeepsTinyProbabilities()
    {
        // σ(−d) rather than 1 − σ(d): the smaller class keeps its relative precision far from 0.5.
        using var scope = NewDisposeScope();
        var logits = ChannelsLast.Copy(tensor(new[] { 0f, 30f, 30f, 0f, 1f, -2f }).view(3, 2, 1, 1, 1).expand(3, 2, 2, 2, 2));

        var probabilities = ChannelsLast.Softmax(logits).to(ScalarType.Float64);

        var expected = logits.to(ScalarType.Float64).softmax(1);
        Assert.That(((probabilities - expected).abs() / expected).max().item<double>(), Is.LessThan(1e-6));
    }
}
