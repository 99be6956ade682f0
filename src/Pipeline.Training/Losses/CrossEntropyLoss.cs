using Pipeline.Native;
using Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Training.Losses;

/// <summary>Voxel-wise cross-entropy on probabilities: <c>−mean over voxels of Σ_c t_c·log(max(p_c, smooth))</c>.</summary>
/// <remarks>
/// The network already applied softmax, so this takes the log of the probabilities, clamped from below by
/// <c>smooth</c> (Clara's 1e-8) to keep the loss and its gradient finite where a probability is 0.
/// With <c>skip_background</c> the channel-0 term is left out of the sum (voxels of class 0 then contribute 0).
/// </remarks>
[Component(ComponentKind.Loss, "CrossEntropy")]
public sealed class CrossEntropyLoss : ILoss
{
    /// <summary>Configures the loss with Clara's args.</summary>
    public CrossEntropyLoss(string dataFormat = "channels_first", bool skipBackground = false, double smooth = 1e-8, bool isOnehotTargets = false)
    {
        ClassTargets.CheckDataFormat(dataFormat);
        if (!(smooth > 0) || smooth >= 1)
            throw new ConfigArgException("smooth", $"must be in (0, 1): it is the smallest probability whose log is taken; got {smooth}");
        SkipBackground = skipBackground;
        Smooth = smooth;
        IsOnehotTargets = isOnehotTargets;
    }

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
        var target = ClassTargets.OneHot(prediction, label, IsOnehotTargets, "CrossEntropy");
        return PerVoxel(prediction, target).mean().MoveToOuterDisposeScope();
    }

    /// <summary>The loss per voxel, <c>[B, spatial…]</c>, for an already one-hot float32 target.</summary>
    internal Tensor PerVoxel(Tensor prediction, Tensor target)
    {
        using var scope = NewDisposeScope();
        var terms = -target * prediction.to(ScalarType.Float32).Clamped(Smooth, 1.0).log();
        if (SkipBackground) terms = terms.narrow(1, 1, terms.shape[1] - 1);
        return terms.sum(1).MoveToOuterDisposeScope();
    }
}
