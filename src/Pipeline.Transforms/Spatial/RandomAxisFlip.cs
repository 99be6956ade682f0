using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Transforms.Spatial;

/// <summary>With a probability, flips images along one spatial axis chosen uniformly at random (the same axis for every field), updating the affine.</summary>
/// <remarks>Like MONAI's RandAxisFlip. Each crop of a batching crop gets its own draw, shared by the fields.</remarks>
[Component(ComponentKind.Transform, "RandomAxisFlip")]
public sealed class RandomAxisFlip : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _probability;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to flip together (e.g. image and label).</param>
    /// <param name="probability">Probability of flipping at all.</param>
    public RandomAxisFlip(string[] fields, double probability = 0.5)
    {
        _fields = TransformArgs.Fields(fields);
        _probability = TransformArgs.Probability(probability);
    }

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        SampleDraws.Apply(context, _fields, nameof(RandomAxisFlip),
            (random, rank) => random.NextBool(_probability) ? (int)random.NextInt64(rank) : -1,
            (image, _, axis) => axis < 0 ? image : AxisFlip.Flip(image, [axis]));
}
