using Pipeline.Data;

namespace Pipeline.Components;

/// <summary>A transform of already-stacked samples (a config's <c>batch_transforms</c>).</summary>
public interface IBatchTransform
{
    /// <summary>Transforms the batch in place.</summary>
    void Apply(SampleBatch batch);
}
