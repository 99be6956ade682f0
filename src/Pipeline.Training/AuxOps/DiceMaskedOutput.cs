using Pipeline.Native;
using Pipeline.Components;
using Pipeline.Training.Losses;
using static TorchSharp.torch;

namespace Pipeline.Training.AuxOps;

/// <summary>Clara's <c>DiceMaskedOutput</c> aux op: hard Dice of the step's prediction per channel, with (sample, channel) pairs whose label is empty masked out.</summary>
/// <remarks>
/// The prediction (probabilities, as the network emits them) is discretised per channel with <c>p &gt; 0.5</c> when
/// <c>is_independent_predictions</c> (sigmoid outputs, overlapping regions such as BraTS TC/WT/ET) or when it has a
/// single channel, otherwise by argmax over channels (softmax outputs). The label is a class map, or one-hot
/// (multi-label allowed) with <c>is_onehot_targets</c>. Per sample b and channel c: <c>2|P∩T| / (|P| + |T|)</c>,
/// counted only where T is not empty. The first tag is the mean over all counted pairs; each further tag, in channel
/// order (after <c>skip_background</c> drops channel 0), the mean over the counted samples of its channel. A tag
/// with nothing counted is NaN (undefined, and left out of means as <c>ComputeAverage</c> leaves out invalid values).
/// </remarks>
[Component(ComponentKind.AuxOp, "DiceMaskedOutput")]
public sealed class DiceMaskedOutput : IAuxOp
{
    private const double Threshold = 0.5;

    /// <summary>Configures the op with Clara's args.</summary>
    public DiceMaskedOutput(string[]? tags = null, bool isOnehotTargets = false, bool isIndependentPredictions = false,
        bool skipBackground = false, string dataFormat = "channels_first")
    {
        ClassTargets.CheckDataFormat(dataFormat);
        tags ??= ["dice"];
        AuxOpTags.Check("tags", tags);
        Tags = tags;
        IsOnehotTargets = isOnehotTargets;
        IsIndependentPredictions = isIndependentPredictions;
        SkipBackground = skipBackground;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Whether labels arrive one-hot <c>[B, C, spatial…]</c>.</summary>
    public bool IsOnehotTargets { get; }

    /// <summary>Whether channels are thresholded independently (sigmoid) rather than by argmax (softmax).</summary>
    public bool IsIndependentPredictions { get; }

    /// <summary>Whether channel 0 is left out.</summary>
    public bool SkipBackground { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> Compute(Tensor prediction, Tensor label, Tensor loss)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (prediction.dim() < 3)
            throw new ArgumentException($"DiceMaskedOutput: prediction must be [B, C, spatial…]; got shape [{string.Join(", ", prediction.shape)}]");
        var channels = prediction.shape[1];
        var p = prediction.detach().to(ScalarType.Float32);
        var predicted = IsIndependentPredictions || channels == 1
            ? p.GreaterThan(Threshold).to(ScalarType.Float32)
            : nn.functional.one_hot(p.argmax(1), channels).movedim([-1L], [1L]).to(ScalarType.Float32);
        var truth = Targets(p, label);
        if (SkipBackground)
        {
            if (channels < 2) throw new ArgumentException("DiceMaskedOutput: skip_background needs a prediction with at least 2 channels");
            predicted = predicted.narrow(1, 1, channels - 1);
            truth = truth.narrow(1, 1, channels - 1);
        }
        var evaluated = predicted.shape[1];
        if (Tags.Count > 1 && Tags.Count - 1 != evaluated)
            throw new ArgumentException($"DiceMaskedOutput: {Tags.Count} tags are a mean and {Tags.Count - 1} channels, but the prediction has {evaluated} evaluated channels" +
                (SkipBackground ? " (after skip_background)" : ""));

        var axes = ClassTargets.SpatialAxes(predicted);
        var intersection = (predicted * truth).sum(axes);
        var truthSum = truth.sum(axes);
        var counted = truthSum.GreaterThan(0).to(ScalarType.Float32);
        var dice = intersection.Times(2.0) / predicted.sum(axes).Plus(truthSum).ClampedMin(1e-12) * counted;

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [Tags[0]] = MaskedMean(dice, counted) };
        for (var c = 1; c < Tags.Count; c++)
            result[Tags[c]] = MaskedMean(dice.select(1, c - 1), counted.select(1, c - 1));
        foreach (var value in result.Values) value.MoveToOuterDisposeScope();
        return result;
    }

    private Tensor Targets(Tensor prediction, Tensor label)
    {
        if (IsOnehotTargets || prediction.shape[1] > 1)
            return ClassTargets.OneHot(prediction, label, IsOnehotTargets, "DiceMaskedOutput").GreaterThan(0.5).to(ScalarType.Float32);
        // One channel: the class map's foreground is the target.
        var expected = prediction.shape.ToArray();
        if (!label.shape.SequenceEqual(expected))
            throw new ArgumentException($"DiceMaskedOutput: label must have shape [{string.Join(", ", expected)}]; got [{string.Join(", ", label.shape)}]");
        return label.to(ScalarType.Float32).GreaterThan(0.5).to(ScalarType.Float32);
    }

    /// <summary>Sum of the counted values over their count; NaN when nothing is counted.</summary>
    private static Tensor MaskedMean(Tensor values, Tensor counted)
    {
        var count = counted.sum();
        var sum = values.sum();
        return where(count.GreaterThan(0), sum / count.ClampedMin(1), tensor(float.NaN));
    }
}
