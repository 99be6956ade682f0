using Pipeline.Native;
using Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Training.Losses;

/// <summary>Clara's soft Dice loss on probabilities: 1 − mean over samples and channels of the per-sample, per-channel Dice.</summary>
/// <remarks>
/// Sums run over the spatial axes only, so each (sample, channel) pair gets its own ratio and the loss is the mean over
/// all of them (Clara's Dice and MONAI's DiceLoss with its default <c>batch=False</c>):
/// <c>dice = (2·Σp·t + top_smooth) / (Σt + Σp + smooth)</c>, with p and t squared in the sums when <c>squared_pred</c>.
/// Jaccard uses <c>2·(Σt + Σp − Σp·t)</c> as the denominator (MONAI's form), so a perfect prediction still gives 0.
/// An empty channel predicted empty gives <c>top_smooth/smooth</c> (0 with the defaults, i.e. loss 1 for that pair), as in Clara.
/// </remarks>
[Component(ComponentKind.Loss, "Dice")]
public sealed class DiceLoss : ILoss
{
    /// <summary>Configures the loss with Clara's args.</summary>
    public DiceLoss(string dataFormat = "channels_first", bool skipBackground = false, bool squaredPred = false, bool jaccard = false,
        double smooth = 1e-5, double topSmooth = 0.0, bool isOnehotTargets = false)
    {
        ClassTargets.CheckDataFormat(dataFormat);
        ClassTargets.CheckNonNegative("smooth", smooth);
        ClassTargets.CheckNonNegative("top_smooth", topSmooth);
        SkipBackground = skipBackground;
        SquaredPred = squaredPred;
        Jaccard = jaccard;
        Smooth = smooth;
        TopSmooth = topSmooth;
        IsOnehotTargets = isOnehotTargets;
    }

    /// <summary>Whether channel 0 is left out.</summary>
    public bool SkipBackground { get; }

    /// <summary>Whether the denominator sums squares.</summary>
    public bool SquaredPred { get; }

    /// <summary>Whether the Jaccard (IoU) form is used.</summary>
    public bool Jaccard { get; }

    /// <summary>Added to the denominator.</summary>
    public double Smooth { get; }

    /// <summary>Added to the numerator.</summary>
    public double TopSmooth { get; }

    /// <summary>Whether labels arrive one-hot.</summary>
    public bool IsOnehotTargets { get; }

    /// <inheritdoc />
    public Tensor Compute(Tensor prediction, Tensor label)
    {
        using var scope = NewDisposeScope();
        return PerChannel(prediction, ClassTargets.OneHot(prediction, label, IsOnehotTargets, "Dice")).mean().MoveToOuterDisposeScope();
    }

    /// <summary>The loss per sample and channel, <c>[B, C']</c>, for an already one-hot float32 target.</summary>
    internal Tensor PerChannel(Tensor prediction, Tensor target)
    {
        using var scope = NewDisposeScope();
        var p = prediction.to(ScalarType.Float32);
        var t = target;
        if (SkipBackground)
        {
            if (p.shape[1] < 2)
                throw new ArgumentException("Dice: skip_background needs a prediction with at least 2 channels");
            p = p.narrow(1, 1, p.shape[1] - 1);
            t = t.narrow(1, 1, t.shape[1] - 1);
        }
        var axes = ClassTargets.SpatialAxes(p);
        var intersection = (p * t).sum(axes);
        var predSum = (SquaredPred ? p * p : p).sum(axes);
        var targetSum = (SquaredPred ? t * t : t).sum(axes);
        var denominator = predSum.Plus(targetSum);
        if (Jaccard) denominator = (denominator - intersection).Times(2.0);
        var dice = intersection.Times(2.0).Plus(TopSmooth) / denominator.Plus(Smooth);
        return dice.SubtractedFrom(1.0).MoveToOuterDisposeScope();
    }
}
