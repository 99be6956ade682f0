using Pipeline.Components;

namespace Pipeline.Training.LrPolicies;

/// <summary>Clara's <c>DecayOnStep</c>: the learning rate is multiplied by <c>decay_ratio</c> every <c>decay_freq</c> training steps.</summary>
/// <remarks>Closed form: <c>lr = base · decay_ratio^⌊step / decay_freq⌋</c>, the step counted from 0 over the whole run.</remarks>
[Component(ComponentKind.LrPolicy, "DecayOnStep")]
public sealed class DecayOnStepPolicy : ILrPolicy
{
    /// <summary>Configures the policy.</summary>
    public DecayOnStepPolicy(double decayRatio, int decayFreq)
    {
        if (!(decayRatio > 0 && decayRatio <= 1))
            throw new ConfigArgException("decay_ratio", $"must be in (0, 1]; got {decayRatio}");
        if (decayFreq <= 0)
            throw new ConfigArgException("decay_freq", $"must be a number of steps > 0; got {decayFreq}");
        DecayRatio = decayRatio;
        DecayFreq = decayFreq;
    }

    /// <summary>The factor applied at each decay.</summary>
    public double DecayRatio { get; }

    /// <summary>Training steps between decays.</summary>
    public int DecayFreq { get; }

    /// <inheritdoc />
    public double LearningRate(LrPolicyContext context)
    {
        LrPolicyArgs.CheckContext(context);
        return context.BaseLearningRate * Math.Pow(DecayRatio, context.Step / DecayFreq);
    }
}
