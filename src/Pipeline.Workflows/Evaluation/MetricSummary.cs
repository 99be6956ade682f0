namespace Pipeline.Workflows.Evaluation;

/// <summary>Summary statistics of one metric over the inputs: how many, how many undefined (NaN), and mean, median, std, min, max of the rest.</summary>
/// <param name="Count">Inputs with a value (NaN included).</param>
/// <param name="NaNCount">Inputs whose value is NaN (e.g. an empty label), left out of the statistics.</param>
/// <param name="Mean">Mean of the defined values; NaN when there is none.</param>
/// <param name="Median">Median (mean of the two middle values for an even count).</param>
/// <param name="Std">Population standard deviation (numpy's default, ddof 0).</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record MetricSummary(int Count, int NaNCount, double Mean, double Median, double Std, double Min, double Max)
{
    /// <summary>The statistics of <paramref name="values"/>.</summary>
    public static MetricSummary Of(IEnumerable<double> values)
    {
        var all = values.ToList();
        var defined = all.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (defined.Length == 0) return new MetricSummary(all.Count, all.Count, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var mean = defined.Sum() / defined.Length;
        var middle = defined.Length / 2;
        var median = defined.Length % 2 == 1 ? defined[middle] : (defined[middle - 1] + defined[middle]) / 2;
        var std = Math.Sqrt(defined.Sum(v => (v - mean) * (v - mean)) / defined.Length);
        return new MetricSummary(all.Count, all.Count - defined.Length, mean, median, std, defined[0], defined[^1]);
    }
}
