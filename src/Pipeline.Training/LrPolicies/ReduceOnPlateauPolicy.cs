using System.Text.Json.Nodes;
using Pipeline.Components;

namespace Pipeline.Training.LrPolicies;

/// <summary>Clara's <c>ReduceOnPlateau</c>: the learning rate is multiplied by <c>reduction_rate</c> once the key validation metric (higher is better) has failed to improve <c>plateau_count_trigger</c> times in a row.</summary>
/// <remarks>
/// Each new validation (a larger <see cref="LrPolicyContext.ValidationCount"/>) is looked at once: a metric above the
/// best so far resets the count, anything else increments it; reaching the trigger reduces the rate and resets the count.
/// The rate never goes below <c>min_learning_rate</c>. The state is saved with checkpoints.
/// </remarks>
[Component(ComponentKind.LrPolicy, "ReduceOnPlateau")]
public sealed class ReduceOnPlateauPolicy : IStatefulLrPolicy
{
    private double _best = double.NegativeInfinity;
    private int _badCount;
    private double _factor = 1.0;
    private int _seenValidations;

    /// <summary>Configures the policy.</summary>
    public ReduceOnPlateauPolicy(int plateauCountTrigger, double reductionRate, double minLearningRate = 0.0)
    {
        if (plateauCountTrigger <= 0)
            throw new ConfigArgException("plateau_count_trigger", $"must be a number of validations > 0; got {plateauCountTrigger}");
        if (!(reductionRate > 0 && reductionRate < 1))
            throw new ConfigArgException("reduction_rate", $"must be in (0, 1); got {reductionRate}");
        if (!(minLearningRate >= 0) || double.IsInfinity(minLearningRate))
            throw new ConfigArgException("min_learning_rate", $"must be a finite number ≥ 0; got {minLearningRate}");
        PlateauCountTrigger = plateauCountTrigger;
        ReductionRate = reductionRate;
        MinLearningRate = minLearningRate;
    }

    /// <summary>Validations without improvement that trigger a reduction.</summary>
    public int PlateauCountTrigger { get; }

    /// <summary>The factor applied at each reduction.</summary>
    public double ReductionRate { get; }

    /// <summary>The floor of the learning rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>Product of all reductions so far.</summary>
    public double Factor => _factor;

    /// <inheritdoc />
    public double LearningRate(LrPolicyContext context)
    {
        if (context.ValidationCount > _seenValidations)
        {
            _seenValidations = context.ValidationCount;
            if (context.ValidationMetric is { } metric && !double.IsNaN(metric))
                Observe(metric);
        }
        return Math.Max(context.BaseLearningRate * _factor, Math.Min(MinLearningRate, context.BaseLearningRate));
    }

    private void Observe(double metric)
    {
        if (metric > _best)
        {
            _best = metric;
            _badCount = 0;
            return;
        }
        if (++_badCount >= PlateauCountTrigger)
        {
            _factor *= ReductionRate;
            _badCount = 0;
        }
    }

    /// <inheritdoc />
    public JsonObject SaveState() => new()
    {
        // −∞ is not JSON; null stands for "no metric seen yet".
        ["best"] = double.IsNegativeInfinity(_best) ? null : _best,
        ["bad_count"] = _badCount,
        ["factor"] = _factor,
        ["seen_validations"] = _seenValidations,
    };

    /// <inheritdoc />
    public void LoadState(JsonObject state)
    {
        try
        {
            var best = state["best"] is { } b ? b.GetValue<double>() : double.NegativeInfinity;
            var badCount = state["bad_count"]!.GetValue<int>();
            var factor = state["factor"]!.GetValue<double>();
            var seen = state["seen_validations"]!.GetValue<int>();
            if (badCount < 0 || !(factor > 0 && factor <= 1) || seen < 0)
                throw new FormatException($"ReduceOnPlateau state out of range: {state.ToJsonString()}");
            (_best, _badCount, _factor, _seenValidations) = (best, badCount, factor, seen);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException)
        {
            throw new FormatException($"not a ReduceOnPlateau state: {state.ToJsonString()}", e);
        }
    }
}
