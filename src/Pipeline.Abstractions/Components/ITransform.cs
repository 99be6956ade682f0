using Pipeline.Data;

namespace Pipeline.Components;

/// <summary>A step of a transform chain: reads and writes fields of a <see cref="TransformContext"/>.</summary>
public interface ITransform
{
    /// <summary>False for transforms that draw random numbers; a cache may only keep the output of the deterministic prefix of a chain.</summary>
    bool IsDeterministic { get; }

    /// <summary>Transforms the sample in place.</summary>
    void Apply(TransformContext context);
}
