namespace Pipeline.Training;

/// <summary>A metric's aggregate and the per-sample values it came from.</summary>
/// <param name="Value">The mean over samples whose value is not NaN (NaN when there is none).</param>
/// <param name="PerSample">One value per sample, in the order seen; NaN marks a sample the metric is undefined for (e.g. an empty label).</param>
public sealed record MetricResult(double Value, IReadOnlyList<(string Sample, double Value)> PerSample)
{
    /// <summary>Samples whose value is NaN.</summary>
    public int NaNCount => PerSample.Count(p => double.IsNaN(p.Value));
}
