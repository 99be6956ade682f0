using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Transforms.Spatial;

/// <summary>Flips images along each spatial axis independently with a probability (the same flips for every field), updating the affine.</summary>
/// <remarks>
/// Clara's defaults are not documented: each listed axis (all spatial axes by default) is flipped with probability 0.5,
/// so all flip combinations are equally likely. Each crop of a batching crop gets its own draw, shared by the fields.
/// </remarks>
[Component(ComponentKind.Transform, "RandomSpatialFlip")]
public sealed class RandomSpatialFlip : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _probability;
    private readonly int[]? _axes;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to flip together (e.g. image and label).</param>
    /// <param name="probability">Probability of flipping each axis.</param>
    /// <param name="axes">Spatial axes that may flip (0 = i, 1 = j, 2 = k); all spatial axes when omitted.</param>
    public RandomSpatialFlip(string[] fields, double probability = 0.5, int[]? axes = null)
    {
        _fields = TransformArgs.Fields(fields);
        _probability = TransformArgs.Probability(probability);
        if (axes is not null)
        {
            if (axes.Length == 0) throw new ConfigArgException("axes", "name at least one axis, or omit axes to use all spatial axes");
            for (var i = 0; i < axes.Length; i++)
                if (axes[i] is < 0 or > 2) throw new ConfigArgException($"axes[{i}]", $"{axes[i]} is not a spatial axis; use 0 (i), 1 (j) or 2 (k)");
            if (axes.Distinct().Count() != axes.Length) throw new ConfigArgException("axes", "an axis is listed twice");
        }
        _axes = axes;
    }

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        SampleDraws.Apply(context, _fields, nameof(RandomSpatialFlip), Draw,
            (image, _, axes) => axes.Length == 0 ? image : AxisFlip.Flip(image, axes));

    private int[] Draw(SampleRandom random, int rank)
    {
        var candidates = _axes ?? Enumerable.Range(0, rank).ToArray();
        if (candidates.Any(a => a >= rank))
            throw new InvalidOperationException($"{nameof(RandomSpatialFlip)}: axes [{string.Join(", ", candidates)}] include an axis a {rank}D image does not have");
        // One draw per axis whatever the outcome, so the stream does not depend on earlier results.
        return candidates.Where(_ => random.NextBool(_probability)).ToArray();
    }
}
