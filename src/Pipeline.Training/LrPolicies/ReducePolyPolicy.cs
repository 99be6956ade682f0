using Pipeline.Components;

namespace Pipeline.Training.LrPolicies;

/// <summary>Clara's <c>ReducePoly</c>: <c>lr = base · (1 − epoch / epochs)^poly_power</c>, the epoch counted from 0.</summary>
[Component(ComponentKind.LrPolicy, "ReducePoly")]
public sealed class ReducePolyPolicy : ILrPolicy
{
    /// <summary>Configures the policy.</summary>
    public ReducePolyPolicy(double polyPower = 0.9)
    {
        if (!(polyPower > 0) || double.IsInfinity(polyPower))
            throw new ConfigArgException("poly_power", $"must be a finite number > 0; got {polyPower}");
        PolyPower = polyPower;
    }

    /// <summary>The exponent.</summary>
    public double PolyPower { get; }

    /// <inheritdoc />
    public double LearningRate(LrPolicyContext context)
    {
        LrPolicyArgs.CheckContext(context);
        return context.BaseLearningRate * Math.Pow(1 - LrPolicyArgs.Progress(context), PolyPower);
    }
}
