using Pipeline.Native;
using Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Training.Losses;

/// <summary>Focal loss on probabilities: <c>−mean over voxels of Σ_c w_c·t_c·(1 − p_c)^γ·log(max(p_c, smooth))</c>.</summary>
/// <remarks>
/// This is MONAI's softmax focal loss written for probabilities. Terms are summed over channels and averaged over
/// voxels, so γ = 0 without <c>alpha</c> is exactly <see cref="CrossEntropyLoss"/> (MONAI's mean over channels
/// would divide that by C). <c>alpha</c>, when given, weighs channel 0 by 1 − α and the others by α, as MONAI does.
/// </remarks>
[Component(ComponentKind.Loss, "Focal")]
public sealed class FocalLoss : ILoss
{
    /// <summary>Configures the loss.</summary>
    public FocalLoss(string dataFormat = "channels_first", double gamma = 2.0, double? alpha = null, bool skipBackground = false,
        double smooth = 1e-8, bool isOnehotTargets = false)
    {
        ClassTargets.CheckDataFormat(dataFormat);
        ClassTargets.CheckNonNegative("gamma", gamma);
        if (alpha is { } a && !(a >= 0 && a <= 1))
            throw new ConfigArgException("alpha", $"must be in [0, 1] (or null for no class weighting); got {a}");
        if (!(smooth > 0) || smooth >= 1)
            throw new ConfigArgException("smooth", $"must be in (0, 1): it is the smallest probability whose log is taken; got {smooth}");
        Gamma = gamma;
        Alpha = alpha;
        SkipBackground = skipBackground;
        Smooth = smooth;
        IsOnehotTargets = isOnehotTargets;
    }

    /// <summary>The focusing exponent γ.</summary>
    public double Gamma { get; }

    /// <summary>Foreground weight α (background gets 1 − α), or null.</summary>
    public double? Alpha { get; }

    /// <summary>Whether the channel-0 term is left out.</summary>
    public bool SkipBackground { get; }

    /// <summary>The lower clamp of probabilities before the log.</summary>
    public double Smooth { get; }

    /// <summary>Whether labels arrive one-hot.</summary>
    public bool IsOnehotTargets { get; }

    /// <inheritdoc />
    public Tensor Compute(Tensor prediction, Tensor label)
    {
        using var scope = NewDisposeScope();
        var target = ClassTargets.OneHot(prediction, label, IsOnehotTargets, "Focal");
        return PerVoxel(prediction, target).mean().MoveToOuterDisposeScope();
    }

    /// <summary>The loss per voxel, <c>[B, spatial…]</c>, for an already one-hot float32 target.</summary>
    internal Tensor PerVoxel(Tensor prediction, Tensor target)
    {
        using var scope = NewDisposeScope();
        var p = prediction.to(ScalarType.Float32).Clamped(Smooth, 1.0);
        var terms = -target * p.log();
        if (Gamma != 0) terms = terms * p.SubtractedFrom(1.0).Power(Gamma);
        if (Alpha is { } a)
        {
            var shape = Enumerable.Repeat(1L, (int)p.dim()).ToArray();
            shape[1] = p.shape[1];
            var weights = HeldScalars.Full(shape, a, ScalarType.Float32, p.device);
            weights[0, 0] = tensor(1.0 - a, ScalarType.Float32, p.device);
            terms = terms * weights;
        }
        if (SkipBackground) terms = terms.narrow(1, 1, terms.shape[1] - 1);
        return terms.sum(1).MoveToOuterDisposeScope();
    }
}
