using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Training.Metrics;

/// <summary>
/// Shared part of the surface-distance metrics: per sample and evaluated class, the symmetric distances between the
/// predicted and the true surface in millimetres, reduced by the concrete metric; the sample's value is the mean over its classes.
/// </summary>
/// <remarks>
/// Classes are discretised as in <see cref="ComputeAverageDice"/>. A class whose prediction or label is empty in a
/// sample is NaN (MONAI gives +inf when only one is empty; NaN keeps the aggregate finite and the sample is counted in
/// <see cref="MetricResult.NaNCount"/>). Voxel spacing comes from the batch field <c>"&lt;label_field&gt;_spacing"</c>
/// (<c>[B, dims]</c>, millimetres, in the spatial axis order of the tensors) when present, else from the <c>spacing</c> arg.
/// Lower is better, so these metrics cannot be the key metric (which is higher-is-better).
/// </remarks>
public abstract class SurfaceDistanceMetric : IMetric, IReportingMetric, IComparingMetric
{
    private readonly SampleValues _samples = new();

    /// <summary>Configures the metric; <paramref name="spacing"/> is one value per spatial axis, or one for all (default 1).</summary>
    protected SurfaceDistanceMetric(string componentName, string field, string labelField, string? name, bool removeBg,
        double logitThresh, bool isOneHotTargets, double[]? spacing, bool isKeyMetric, string? reportPath = null)
    {
        MetricFields.CheckFieldName("field", field);
        MetricFields.CheckFieldName("label_field", labelField);
        if (!double.IsFinite(logitThresh))
            throw new ConfigArgException("logit_thresh", $"must be a finite number (a probability threshold, e.g. 0.5); got {logitThresh}");
        if (spacing is { Length: 0 } || spacing?.Any(s => !(s > 0) || double.IsInfinity(s)) == true)
            throw new ConfigArgException("spacing", $"must be positive finite voxel sizes in mm, one per spatial axis (e.g. [1.0, 1.0, 2.5]); got [{string.Join(", ", spacing!)}]");
        if (isKeyMetric)
            throw new ConfigArgException("is_key_metric", $"{componentName} is lower-is-better and the key metric must be higher-is-better; use ComputeAverageDice as the key metric");
        Field = field;
        LabelField = labelField;
        Name = string.IsNullOrWhiteSpace(name) ? componentName : name;
        RemoveBg = removeBg;
        LogitThresh = logitThresh;
        IsOneHotTargets = isOneHotTargets;
        Spacing = spacing ?? [1.0];
        ReportPath = reportPath;
    }

    /// <summary>The field holding the probabilities <c>[B, C, spatial…]</c>.</summary>
    public string Field { get; }

    /// <summary>The field holding the label; <c>"&lt;label_field&gt;_spacing"</c> may carry per-sample spacing.</summary>
    public string LabelField { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Whether class 0 (background) is left out.</summary>
    public bool RemoveBg { get; }

    /// <summary>Foreground threshold for a single-channel prediction.</summary>
    public double LogitThresh { get; }

    /// <summary>Whether the label arrives one-hot.</summary>
    public bool IsOneHotTargets { get; }

    /// <summary>Voxel spacing in mm used when the batch carries none (one value means the same on every axis).</summary>
    public IReadOnlyList<double> Spacing { get; }

    /// <summary>Where report files go (written by the evaluation workflow); null for none.</summary>
    public string? ReportPath { get; }

    /// <inheritdoc />
    public bool IsKeyMetric => false;

    /// <summary>Reduces the distances from predicted to true surface and back (both non-empty) to one value.</summary>
    protected abstract double Reduce(double[] predictedToTruth, double[] truthToPredicted);

    /// <inheritdoc />
    public void Reset() => _samples.Clear();

    /// <inheritdoc />
    public void Update(IReadOnlyDictionary<string, Tensor> fields, IReadOnlyList<string> sampleIds)
    {
        using var scope = NewDisposeScope();
        var prediction = MetricFields.Get(Name, fields, Field);
        var label = MetricFields.Get(Name, fields, LabelField);
        SampleValues.CheckSampleIds(Name, prediction.shape[0], sampleIds);
        var (classes, predicted, truth) = ClassMasks.Build(Name, prediction, label, LogitThresh, IsOneHotTargets, RemoveBg);
        var shape = prediction.shape.Skip(2).Select(s => (int)s).ToArray();
        var spacings = SampleSpacings(fields, sampleIds.Count, shape.Length);
        for (var b = 0; b < sampleIds.Count; b++)
        {
            var perClass = new double[classes.Length];
            for (var k = 0; k < classes.Length; k++)
            {
                var p = SurfaceDistances.Surface(predicted[k][b].cpu().contiguous().data<bool>().ToArray(), shape);
                var g = SurfaceDistances.Surface(truth[k][b].cpu().contiguous().data<bool>().ToArray(), shape);
                perClass[k] = p.Count == 0 || g.Count == 0
                    ? double.NaN
                    : Reduce(SurfaceDistances.Nearest(p, g, spacings[b]), SurfaceDistances.Nearest(g, p, spacings[b]));
            }
            _samples.Add(sampleIds[b], PerSampleMean.Of(perClass));
        }
    }

    /// <inheritdoc />
    public MetricResult Aggregate() => _samples.ToResult();

    private double[][] SampleSpacings(IReadOnlyDictionary<string, Tensor> fields, int batch, int dims)
    {
        var key = LabelField + "_spacing";
        if (fields.TryGetValue(key, out var field))
        {
            if (field.dim() != 2 || field.shape[0] != batch || field.shape[1] != dims)
                throw new ArgumentException($"{Name}: field '{key}' must be [B, dims] = [{batch}, {dims}]; got [{string.Join(", ", field.shape)}]");
            var values = field.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
            if (values.Any(v => !(v > 0) || double.IsInfinity(v)))
                throw new ArgumentException($"{Name}: field '{key}' must hold positive finite voxel sizes");
            return Enumerable.Range(0, batch).Select(b => values.Skip(b * dims).Take(dims).ToArray()).ToArray();
        }
        if (Spacing.Count != 1 && Spacing.Count != dims)
            throw new ArgumentException($"{Name}: spacing has {Spacing.Count} values for {dims} spatial axes");
        var spacing = Spacing.Count == 1 ? Enumerable.Repeat(Spacing[0], dims).ToArray() : Spacing.ToArray();
        return Enumerable.Repeat(spacing, batch).ToArray();
    }
}
