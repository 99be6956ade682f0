using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Transforms.Batch;

/// <summary>Merges the (batch, crops) leading axes of the given fields into one, so B volumes × N crops each train as a batch of B·N.</summary>
/// <remarks>A field without a crops axis is left as it is, so the transform is harmless after non-batching crops.</remarks>
[Component(ComponentKind.Transform, "MergeBatchDims")]
public sealed class MergeBatchDims : IBatchTransform
{
    private readonly string[] _fields;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Batch fields whose first two axes are merged.</param>
    public MergeBatchDims(string[] fields)
    {
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        _fields = fields;
    }

    /// <inheritdoc />
    public void Apply(SampleBatch batch)
    {
        foreach (var field in _fields)
        {
            var data = batch.Get(field, nameof(MergeBatchDims));
            if (!batch.HasCropsAxis(field)) continue;
            using var scope = TorchSharp.torch.NewDisposeScope();
            batch.Set(field, data.flatten(0, 1).contiguous().MoveToOuterDisposeScope(), hasCropsAxis: false);
        }
    }
}
