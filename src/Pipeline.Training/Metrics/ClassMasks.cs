using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Training.Metrics;

/// <summary>
/// Turns a probability prediction and its label into one predicted and one true boolean mask per evaluated class,
/// as Clara's <c>ComputeAverageDice</c> does: argmax over channels when C &gt; 1, <c>p &gt; logit_thresh</c> when C = 1
/// (then class 1 is the thresholded foreground and class 0 its complement).
/// </summary>
internal static class ClassMasks
{
    /// <summary>
    /// The evaluated class indices and, for each, the predicted and true masks <c>[B, spatial…]</c> (bool).
    /// Classes run 1..K−1 when <paramref name="removeBackground"/>, else 0..K−1, with K = max(C, 2).
    /// </summary>
    public static (int[] Classes, Tensor[] Predicted, Tensor[] Truth) Build(string metric, Tensor prediction, Tensor label,
        double logitThresh, bool isOneHot, bool removeBackground)
    {
        if (prediction.dim() < 3)
            throw new ArgumentException($"{metric}: prediction must be [B, C, spatial…]; got shape [{Shape(prediction)}]");
        var channels = (int)prediction.shape[1];
        var classCount = Math.Max(channels, 2);
        var predictedMap = channels > 1
            ? prediction.argmax(1)
            : prediction.squeeze(1).to(ScalarType.Float64).GreaterThan(logitThresh).to(ScalarType.Int64);

        Func<int, Tensor> truth;
        if (isOneHot)
        {
            if (!label.shape.SequenceEqual(prediction.shape))
                throw new ArgumentException($"{metric}: a one-hot label must have the prediction's shape [{Shape(prediction)}]; got [{Shape(label)}]");
            var onehot = label.to(ScalarType.Float64).GreaterThan(0.5);
            truth = channels > 1
                ? c => onehot.select(1, c)
                : c => c == 1 ? onehot.select(1, 0) : onehot.select(1, 0).logical_not();
        }
        else
        {
            var expected = prediction.shape.ToArray();
            expected[1] = 1;
            if (!label.shape.SequenceEqual(expected))
                throw new ArgumentException($"{metric}: label must be a class map of shape [{string.Join(", ", expected)}] (or one-hot with is_one_hot_targets); got [{Shape(label)}]");
            var labelMap = (label.is_floating_point() ? label.round() : label).to(ScalarType.Int64).squeeze(1);
            if (labelMap.numel() > 0)
            {
                var min = labelMap.min().item<long>();
                var max = labelMap.max().item<long>();
                if (min < 0 || max >= classCount)
                    throw new ArgumentException($"{metric}: label classes must lie in [0, {classCount - 1}] for a {channels}-channel prediction; found [{min}, {max}]");
            }
            truth = c => labelMap.EqualTo(c);
        }

        var classes = Enumerable.Range(removeBackground ? 1 : 0, removeBackground ? classCount - 1 : classCount).ToArray();
        return (classes, classes.Select(c => predictedMap.EqualTo(c)).ToArray(), classes.Select(truth).ToArray());
    }

    private static string Shape(Tensor t) => string.Join(", ", t.shape);
}
