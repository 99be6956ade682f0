using Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Training.Losses;

/// <summary>Turns a label into a one-hot target shaped like the prediction, and checks the two fit.</summary>
internal static class ClassTargets
{
    /// <summary>Rejects a <c>data_format</c> other than channels-first (the only layout networks produce here).</summary>
    public static void CheckDataFormat(string dataFormat)
    {
        if (dataFormat != "channels_first")
            throw new ConfigArgException("data_format", $"only 'channels_first' is supported; got '{dataFormat}'");
    }

    /// <summary>Rejects a smoothing or clamping constant that is negative or not finite.</summary>
    public static void CheckNonNegative(string arg, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ConfigArgException(arg, $"must be a finite number ≥ 0; got {value}");
    }

    /// <summary>Rejects a loss weight that is negative or not finite.</summary>
    public static void CheckWeight(string arg, double value) => CheckNonNegative(arg, value);

    /// <summary>
    /// A float32 one-hot <c>[B, C, spatial…]</c> target for <paramref name="prediction"/>: <paramref name="label"/> as given
    /// when <paramref name="isOneHot"/>, otherwise the <c>[B, 1, spatial…]</c> class map (rounded; floats from images are allowed) one-hot encoded.
    /// </summary>
    public static Tensor OneHot(Tensor prediction, Tensor label, bool isOneHot, string lossName)
    {
        if (prediction.dim() < 3)
            throw new ArgumentException($"{lossName}: prediction must be [B, C, spatial…]; got shape [{string.Join(", ", prediction.shape)}]");
        var channels = prediction.shape[1];
        if (isOneHot)
        {
            if (!label.shape.SequenceEqual(prediction.shape))
                throw new ArgumentException($"{lossName}: a one-hot label must have the prediction's shape [{string.Join(", ", prediction.shape)}]; got [{string.Join(", ", label.shape)}]");
            return label.to(ScalarType.Float32);
        }
        var expected = prediction.shape.ToArray();
        expected[1] = 1;
        if (!label.shape.SequenceEqual(expected))
            throw new ArgumentException($"{lossName}: label must be a class map of shape [{string.Join(", ", expected)}] (or one-hot with is_onehot_targets); got [{string.Join(", ", label.shape)}]");
        using var scope = NewDisposeScope();
        var classes = label.is_floating_point() ? label.round().to(ScalarType.Int64) : label.to(ScalarType.Int64);
        var min = classes.min().item<long>();
        var max = classes.max().item<long>();
        if (min < 0 || max >= channels)
            throw new ArgumentException($"{lossName}: label classes must lie in [0, {channels - 1}] for a {channels}-channel prediction; found [{min}, {max}]");
        var oneHot = nn.functional.one_hot(classes.squeeze(1), channels);
        // one_hot appends the class axis last; move it to axis 1.
        var order = new long[oneHot.dim()];
        order[0] = 0;
        order[1] = oneHot.dim() - 1;
        for (var i = 2; i < order.Length; i++) order[i] = i - 1;
        return oneHot.permute(order).to(ScalarType.Float32).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The spatial axes of a <c>[B, C, spatial…]</c> tensor.</summary>
    public static long[] SpatialAxes(Tensor t) => Enumerable.Range(2, (int)t.dim() - 2).Select(i => (long)i).ToArray();
}
