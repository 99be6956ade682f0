using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Training.Metrics;

/// <summary>Clara's mean Dice of the discretised prediction against the label, per sample then over samples.</summary>
/// <remarks>
/// Per sample and evaluated class: <c>2|P∩G| / (|P| + |G|)</c>; a class whose label is empty in that sample is NaN
/// whatever was predicted (MONAI's <c>ignore_empty=True</c>) and is left out of the sample's mean. A sample with every
/// class NaN is NaN (counted in <see cref="MetricResult.NaNCount"/>); the aggregate is the mean over non-NaN samples.
/// </remarks>
[Component(ComponentKind.Metric, "ComputeAverageDice")]
public sealed class ComputeAverageDice : IMetric, IReportingMetric, IComparingMetric
{
    private readonly SampleValues _samples = new();
    private readonly List<double[]> _perClass = [];
    private int[] _classes = [];

    /// <summary>Configures the metric with Clara's args.</summary>
    public ComputeAverageDice(string field = "model", string labelField = "label", string? name = null, bool removeBg = true,
        double logitThresh = 0.5, bool isOneHotTargets = false, bool isKeyMetric = false, string? reportPath = null)
    {
        MetricFields.CheckFieldName("field", field);
        MetricFields.CheckFieldName("label_field", labelField);
        if (!double.IsFinite(logitThresh))
            throw new ConfigArgException("logit_thresh", $"must be a finite number (a probability threshold, e.g. 0.5); got {logitThresh}");
        Field = field;
        LabelField = labelField;
        Name = string.IsNullOrWhiteSpace(name) ? "ComputeAverageDice" : name;
        RemoveBg = removeBg;
        LogitThresh = logitThresh;
        IsOneHotTargets = isOneHotTargets;
        IsKeyMetric = isKeyMetric;
        ReportPath = reportPath;
    }

    /// <summary>The field holding the probabilities <c>[B, C, spatial…]</c>.</summary>
    public string Field { get; }

    /// <summary>The field holding the label.</summary>
    public string LabelField { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Whether class 0 (background) is left out.</summary>
    public bool RemoveBg { get; }

    /// <summary>Foreground threshold for a single-channel prediction.</summary>
    public double LogitThresh { get; }

    /// <summary>Whether the label arrives one-hot <c>[B, C, spatial…]</c> instead of a class map.</summary>
    public bool IsOneHotTargets { get; }

    /// <inheritdoc />
    public bool IsKeyMetric { get; }

    /// <summary>Where a report should be written (stored for whoever writes reports; the metric itself writes nothing).</summary>
    public string? ReportPath { get; }

    /// <summary>The class indices of <see cref="PerClassMean"/>, known after the first update.</summary>
    public IReadOnlyList<int> Classes => _classes;

    /// <summary>Per evaluated class, the mean Dice over samples whose label has that class (NaN if none); filled by <see cref="Aggregate"/>.</summary>
    public IReadOnlyList<double> PerClassMean { get; private set; } = [];

    /// <inheritdoc />
    public void Reset()
    {
        _samples.Clear();
        _perClass.Clear();
        _classes = [];
        PerClassMean = [];
    }

    /// <inheritdoc />
    public void Update(IReadOnlyDictionary<string, Tensor> fields, IReadOnlyList<string> sampleIds)
    {
        using var scope = NewDisposeScope();
        var prediction = MetricFields.Get(Name, fields, Field);
        var label = MetricFields.Get(Name, fields, LabelField);
        SampleValues.CheckSampleIds(Name, prediction.shape[0], sampleIds);
        var (classes, predicted, truth) = ClassMasks.Build(Name, prediction, label, LogitThresh, IsOneHotTargets, RemoveBg);
        if (_perClass.Count > 0 && !classes.SequenceEqual(_classes))
            throw new ArgumentException($"{Name}: this batch has classes [{string.Join(", ", classes)}] but earlier ones had [{string.Join(", ", _classes)}]");
        _classes = classes;

        var batch = sampleIds.Count;
        var dice = new double[batch, classes.Length];
        for (var k = 0; k < classes.Length; k++)
        {
            var p = predicted[k].flatten(1).to(ScalarType.Float64);
            var g = truth[k].flatten(1).to(ScalarType.Float64);
            var intersection = (p * g).sum(1L).data<double>().ToArray();
            var predSum = p.sum(1L).data<double>().ToArray();
            var truthSum = g.sum(1L).data<double>().ToArray();
            for (var b = 0; b < batch; b++)
                dice[b, k] = truthSum[b] == 0 ? double.NaN : 2 * intersection[b] / (predSum[b] + truthSum[b]);
        }
        for (var b = 0; b < batch; b++)
        {
            var row = Enumerable.Range(0, classes.Length).Select(k => dice[b, k]).ToArray();
            _perClass.Add(row);
            _samples.Add(sampleIds[b], PerSampleMean.Of(row));
        }
    }

    /// <inheritdoc />
    public MetricResult Aggregate()
    {
        PerClassMean = Enumerable.Range(0, _classes.Length).Select(k => PerSampleMean.Of(_perClass.Select(r => r[k]))).ToArray();
        return _samples.ToResult();
    }
}
