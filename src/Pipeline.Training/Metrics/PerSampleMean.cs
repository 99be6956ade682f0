namespace Pipeline.Training.Metrics;

/// <summary>How every built-in metric aggregates: the mean of its per-sample values, NaN ones skipped, summed in order.</summary>
public static class PerSampleMean
{
    /// <summary>The mean of the values that are not NaN, added in the given order; NaN when there is none.</summary>
    public static double Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double sum = 0;
        var count = 0;
        foreach (var v in values)
        {
            if (double.IsNaN(v)) continue;
            sum += v;
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }
}
