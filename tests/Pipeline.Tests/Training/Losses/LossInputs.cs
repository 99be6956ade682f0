using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Losses;

/// <summary>Small probability maps and labels whose losses can be worked out by hand.</summary>
internal static class LossInputs
{
    /// <summary>Two-class probabilities [1,2,2,2] whose foreground channel is <paramref name="foreground"/> (row-major), background 1 − it.</summary>
    public static Tensor TwoClass(params float[] foreground)
    {
        var fg = tensor(foreground, [1, 1, 2, 2]);
        return cat([1 - fg, fg], 1);
    }

    /// <summary>A [1,1,2,2] class map.</summary>
    public static Tensor Labels(params long[] classes) => tensor(classes, [1, 1, 2, 2]);

    /// <summary>Softmax probabilities [b,c,spatial…] from seeded random logits.</summary>
    public static Tensor RandomProbabilities(long[] shape, long seed)
    {
        var generator = new Generator((ulong)seed);
        return randn(shape, generator: generator).softmax(1);
    }

    /// <summary>A seeded random class map [b,1,spatial…] with values in [0, classes).</summary>
    public static Tensor RandomLabels(long[] shape, int classes, long seed)
    {
        var generator = new Generator((ulong)seed);
        return randint(0, classes, shape, generator: generator);
    }
}
