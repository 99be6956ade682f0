using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Training.Metrics;

/// <summary>Clara's average of a scalar field (e.g. a loss or an aux-op output) over the validation samples.</summary>
/// <remarks>
/// A field shaped <c>[B, …]</c> gives each sample the mean of its slice; a single value (a batch's loss) is given to
/// every sample of that batch, so batches weigh by their sample count.
/// </remarks>
[Component(ComponentKind.Metric, "ComputeAverage")]
public sealed class ComputeAverage : IMetric, IReportingMetric
{
    private readonly SampleValues _samples = new();

    /// <summary>Configures the metric with Clara's args.</summary>
    public ComputeAverage(string field, string? name = null, bool isKeyMetric = false, bool negateValue = false, string? reportPath = null)
    {
        MetricFields.CheckFieldName("field", field);
        Field = field;
        Name = string.IsNullOrWhiteSpace(name) ? "ComputeAverage" : name;
        IsKeyMetric = isKeyMetric;
        NegateValue = negateValue;
        ReportPath = reportPath;
    }

    /// <summary>The field averaged.</summary>
    public string Field { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool IsKeyMetric { get; }

    /// <summary>Whether values are negated (so a loss can be a higher-is-better key metric).</summary>
    public bool NegateValue { get; }

    /// <summary>Where a report should be written (stored for whoever writes reports; the metric itself writes nothing).</summary>
    public string? ReportPath { get; }

    /// <inheritdoc />
    public void Reset() => _samples.Clear();

    /// <inheritdoc />
    public void Update(IReadOnlyDictionary<string, Tensor> fields, IReadOnlyList<string> sampleIds)
    {
        using var scope = NewDisposeScope();
        var value = MetricFields.Get(Name, fields, Field).to(ScalarType.Float64);
        var sign = NegateValue ? -1.0 : 1.0;
        if (value.numel() == 1 && (value.dim() == 0 || value.shape[0] != sampleIds.Count || sampleIds.Count == 1))
        {
            var v = sign * value.item<double>();
            foreach (var id in sampleIds) _samples.Add(id, v);
            return;
        }
        if (value.dim() == 0 || value.shape[0] != sampleIds.Count)
            throw new ArgumentException($"{Name}: field '{Field}' must be a single value or [B, …] with B = {sampleIds.Count}; got shape [{string.Join(", ", value.shape)}]");
        var means = value.reshape(sampleIds.Count, -1).mean([1L]).data<double>().ToArray();
        for (var b = 0; b < sampleIds.Count; b++) _samples.Add(sampleIds[b], sign * means[b]);
    }

    /// <inheritdoc />
    public MetricResult Aggregate() => _samples.ToResult();
}
