using Pipeline.Components;

namespace Pipeline.Training.Optimizers;

/// <summary>Checks shared by the optimizer args.</summary>
internal static class OptimizerArgs
{
    /// <summary>Rejects a decay rate outside [0, 1).</summary>
    public static void CheckBeta(string arg, double value)
    {
        if (!(value >= 0 && value < 1))
            throw new ConfigArgException(arg, $"must be in [0, 1); got {value}");
    }

    /// <summary>Rejects a value that is negative or not finite.</summary>
    public static void CheckNonNegative(string arg, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ConfigArgException(arg, $"must be a finite number ≥ 0; got {value}");
    }

    /// <summary>Rejects an optimizer-level learning rate that is not a positive finite number.</summary>
    public static void CheckLearningRate(double? value)
    {
        if (value is { } lr && (!(lr > 0) || double.IsInfinity(lr)))
            throw new ConfigArgException("learning_rate", $"must be a finite number > 0; got {lr}");
    }
}
