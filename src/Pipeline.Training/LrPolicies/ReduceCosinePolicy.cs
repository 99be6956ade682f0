using Pipeline.Components;

namespace Pipeline.Training.LrPolicies;

/// <summary>Clara's <c>ReduceCosine</c>: <c>lr = base · rate · (1 + cos(π · epoch / epochs))</c>, the epoch counted from 0.</summary>
/// <remarks>
/// Clara documents only the arg <c>rate</c> (default 0.5) and "cosine over epochs"; reading it as the factor of the
/// standard cosine schedule makes the default the usual half-cosine from <c>base</c> down to 0.
/// </remarks>
[Component(ComponentKind.LrPolicy, "ReduceCosine")]
public sealed class ReduceCosinePolicy : ILrPolicy
{
    /// <summary>Configures the policy.</summary>
    public ReduceCosinePolicy(double rate = 0.5)
    {
        if (!(rate > 0) || double.IsInfinity(rate))
            throw new ConfigArgException("rate", $"must be a finite number > 0; got {rate}");
        Rate = rate;
    }

    /// <summary>The factor of <c>1 + cos</c>.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public double LearningRate(LrPolicyContext context)
    {
        LrPolicyArgs.CheckContext(context);
        return context.BaseLearningRate * Rate * (1 + Math.Cos(Math.PI * LrPolicyArgs.Progress(context)));
    }
}
