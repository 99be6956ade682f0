namespace Pipeline.Training.Metrics;

/// <summary>The per-sample values a metric has collected since its last reset, and their NaN-skipping mean.</summary>
internal sealed class SampleValues
{
    private readonly List<(string Sample, double Value)> _values = [];

    /// <summary>Forgets every value.</summary>
    public void Clear() => _values.Clear();

    /// <summary>Records the value of one sample (NaN when the metric is undefined for it).</summary>
    public void Add(string sample, double value) => _values.Add((sample, value));

    /// <summary>The mean over non-NaN values (NaN when there is none) with a copy of the values behind it.</summary>
    public MetricResult ToResult() => new(PerSampleMean.Of(_values.Select(v => v.Value)), _values.ToArray());

    /// <summary>Rejects a batch whose sample ids do not match its batch size.</summary>
    public static void CheckSampleIds(string metric, long batch, IReadOnlyList<string> sampleIds)
    {
        if (sampleIds.Count != batch)
            throw new ArgumentException($"{metric}: {sampleIds.Count} sample ids for a batch of {batch}");
    }
}
