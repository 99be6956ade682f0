using static TorchSharp.torch;

namespace Pipeline.Training.Metrics;

/// <summary>Looks up the tensors a metric reads in the batch's fields, with errors that name what is missing.</summary>
internal static class MetricFields
{
    /// <summary>The tensor under <paramref name="field"/>, or an <see cref="ArgumentException"/> listing the fields present.</summary>
    public static Tensor Get(string metric, IReadOnlyDictionary<string, Tensor> fields, string field)
    {
        if (fields.TryGetValue(field, out var tensor)) return tensor;
        throw new ArgumentException($"{metric}: field '{field}' is not in the batch (fields: {string.Join(", ", fields.Keys.OrderBy(k => k, StringComparer.Ordinal))})");
    }

    /// <summary>Rejects an empty field name.</summary>
    public static void CheckFieldName(string arg, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new Components.ConfigArgException(arg, "must name a field, e.g. 'model' or 'label'");
    }
}
