using static TorchSharp.torch;

namespace Pipeline.Training;

/// <summary>A validation or evaluation metric (Clara's <c>val_metrics</c>): fed batch by batch, then aggregated.</summary>
public interface IMetric
{
    /// <summary>The name reports use (the config alias when given, else the component name).</summary>
    string Name { get; }

    /// <summary>True for the metric that selects the best model (Clara's <c>is_key_metric</c>; higher is better).</summary>
    bool IsKeyMetric { get; }

    /// <summary>Forgets everything seen so far.</summary>
    void Reset();

    /// <summary>Adds one batch: <paramref name="fields"/> holds the tensors by field name (e.g. <c>model</c> probabilities [B, C, spatial…] and <c>label</c> [B, 1, spatial…]); <paramref name="sampleIds"/> names each of the B samples.</summary>
    void Update(IReadOnlyDictionary<string, Tensor> fields, IReadOnlyList<string> sampleIds);

    /// <summary>The aggregate over everything since <see cref="Reset"/>, with the per-sample values behind it.</summary>
    MetricResult Aggregate();
}
