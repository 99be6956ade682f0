using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Data;

/// <summary>Several samples stacked field by field: [B, C, …] per image field, or [B, crops, C, …] where each sample held an <see cref="ImageBatch"/>.</summary>
/// <remarks>The batch owns its tensors.</remarks>
public sealed class SampleBatch : IDisposable
{
    private readonly Dictionary<string, Tensor> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _withCropsAxis = new(StringComparer.Ordinal);

    /// <summary>Creates an empty batch for <paramref name="samples"/>.</summary>
    public SampleBatch(IReadOnlyList<SampleInfo> samples) => Samples = samples;

    /// <summary>The samples, in batch order.</summary>
    public IReadOnlyList<SampleInfo> Samples { get; }

    /// <summary>Names of the stacked fields.</summary>
    public IReadOnlyCollection<string> Fields => _fields.Keys;

    /// <summary>The stacked tensor of a field.</summary>
    /// <exception cref="SampleFieldException">The batch has no such field.</exception>
    public Tensor Get(string field, string requestedBy) =>
        _fields.TryGetValue(field, out var t)
            ? t
            : throw new SampleFieldException($"{requestedBy} needs batch field '{field}', which this batch does not have; fields present: {string.Join(", ", _fields.Keys.Order())}");

    /// <summary>True when the field's second axis enumerates the crops of each sample.</summary>
    public bool HasCropsAxis(string field) => _withCropsAxis.Contains(field);

    /// <summary>Replaces a field's tensor (taking ownership) and states whether it has a crops axis.</summary>
    public void Set(string field, Tensor value, bool hasCropsAxis)
    {
        if (_fields.TryGetValue(field, out var old) && !ReferenceEquals(old, value)) old.Dispose();
        _fields[field] = value;
        if (hasCropsAxis) _withCropsAxis.Add(field);
        else _withCropsAxis.Remove(field);
    }

    /// <summary>Stacks the image fields of <paramref name="contexts"/>; every sample must hold the same kind and shape in each field.</summary>
    /// <exception cref="SampleFieldException">A field is missing from a sample or its shapes differ across samples.</exception>
    public static SampleBatch Collate(IReadOnlyList<TransformContext> contexts)
    {
        var batch = new SampleBatch(contexts.Select(c => c.Sample).ToList());
        foreach (var field in contexts[0].Fields.Where(f => contexts[0].Get(f) is MedicalImage or ImageBatch))
        {
            var cropped = contexts[0].Get(field) is ImageBatch;
            using var scope = NewDisposeScope();
            var perSample = contexts.Select(c =>
            {
                var images = c.GetImages(field, "batch collation");
                if ((c.Get(field) is ImageBatch) != cropped)
                    throw new SampleFieldException($"field '{field}' holds crops in some samples and a single image in others (sample {c.Sample.Index}, {c.Sample.Description})");
                return cropped ? stack(images.Select(i => i.Data).ToArray()) : images[0].Data;
            }).ToList();
            var first = perSample[0].shape;
            var mismatch = contexts.Zip(perSample).FirstOrDefault(p => !p.Second.shape.SequenceEqual(first));
            if (mismatch.First is not null)
                throw new SampleFieldException($"field '{field}' of sample {mismatch.First.Sample.Index} ({mismatch.First.Sample.Description}) has shape [{string.Join("×", mismatch.Second.shape)}] but the batch's first sample has [{string.Join("×", first)}]; batched samples need one shape (crop them to a fixed size)");
            batch.Set(field, stack(perSample).MoveToOuterDisposeScope(), cropped);
        }
        return batch;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _fields.Values) t.Dispose();
        _fields.Clear();
    }
}
