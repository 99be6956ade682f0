namespace Pipeline.Workflows.Training;

/// <summary>Loss scaling for float16 training: the loss is multiplied before backward so small gradients survive float16, and the scale adapts to overflow.</summary>
/// <remarks>
/// TorchSharp has no GradScaler. The policy is PyTorch's: a step whose gradients contain inf or NaN is skipped and the
/// scale halved; after <see cref="GrowthInterval"/> good steps in a row it doubles. bfloat16 has float32's exponent range
/// and needs none of this (scale 1).
/// </remarks>
public sealed class DynamicLossScaler(double initialScale = 65536, int growthInterval = 2000)
{
    private int _goodSteps;

    /// <summary>The factor the loss is multiplied by before backward.</summary>
    public double Scale { get; private set; } = initialScale;

    /// <summary>Good steps in a row needed before the scale doubles.</summary>
    public int GrowthInterval { get; } = growthInterval;

    /// <summary>Records whether the unscaled gradients were all finite; returns whether the optimizer may step.</summary>
    public bool Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale = Math.Max(1, Scale / 2);
            _goodSteps = 0;
            return false;
        }
        if (++_goodSteps >= GrowthInterval)
        {
            Scale *= 2;
            _goodSteps = 0;
        }
        return true;
    }

    /// <summary>Restores a saved scale (resume).</summary>
    public void Restore(double scale, int goodSteps)
    {
        Scale = scale;
        _goodSteps = goodSteps;
    }

    /// <summary>Good steps since the last change (saved with the scale for resume).</summary>
    public int GoodSteps => _goodSteps;
}
