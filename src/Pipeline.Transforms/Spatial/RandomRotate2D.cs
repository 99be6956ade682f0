using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>With a probability, rotates 2D images by a random angle in the (i, j) plane (the same angle for every field), about the grid centre and in millimetres, keeping the shape; the affine turns with the grid so content keeps its world position.</summary>
/// <remarks>
/// Clara's numerics are not documented. The angle is drawn uniformly (degrees); a positive angle turns +i toward +j
/// (<see cref="Rotations.Matrix2D"/>). Images are interpolated bilinearly, label fields by nearest neighbour; points from
/// outside the image take the edge value (MONAI's default) unless padding_mode is constant (0). Each crop of a batching
/// crop gets its own draw, shared by the fields.
/// </remarks>
[Component(ComponentKind.Transform, "RandomRotate2D")]
public sealed class RandomRotate2D : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly HashSet<string> _labelFields;
    private readonly double _probability;
    private readonly (double Low, double High) _range;
    private readonly ResamplePadding _padding;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to rotate together.</param>
    /// <param name="labelFields">Fields among <paramref name="fields"/> holding label maps (nearest neighbour); by default the field named "label" if listed.</param>
    /// <param name="probability">Probability of rotating at all.</param>
    /// <param name="degrees">Rotation angle in degrees: d for [−d, d], or [low, high].</param>
    /// <param name="paddingMode">Value of voxels rotated in from outside the image: border (edge value) or constant (0).</param>
    public RandomRotate2D(string[] fields, string[]? labelFields = null, double probability = 0.5, double[]? degrees = null,
        ResamplePadding paddingMode = ResamplePadding.Border)
    {
        _fields = TransformArgs.Fields(fields);
        _labelFields = RotationArgs.LabelFields(_fields, labelFields);
        _probability = TransformArgs.Probability(probability);
        _range = SpatialArgs.AngleRange(degrees ?? [15], "degrees");
        _padding = paddingMode;
    }

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        SampleDraws.Apply(context, _fields, nameof(RandomRotate2D), Draw,
            (image, field, angle) => angle is not { } a ? image
                : Rotate(image, a, _labelFields.Contains(field) ? Interpolation.Nearest : Interpolation.Linear, _padding));

    /// <summary>The 2D image with its content rotated by <paramref name="degrees"/> about the grid centre (+i toward +j); the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Rotate(MedicalImage image, double degrees, Interpolation interpolation, ResamplePadding padding = ResamplePadding.Border)
    {
        if (image.SpatialRank != 2) throw new ArgumentException($"{nameof(RandomRotate2D)} needs 2D images, got {image}", nameof(image));
        var map = Rotations.ContentRotationIndexMap(image.SpatialShape, image.Spacing, Rotations.Matrix2D(degrees));
        return AffineResampler.ResampleByIndexMap(image, map, image.SpatialShape, interpolation, padding);
    }

    private double? Draw(SampleRandom random, int rank)
    {
        if (rank != 2) throw new InvalidOperationException($"{nameof(RandomRotate2D)} needs 2D images; use RandomRotate3D for 3D");
        if (!random.NextBool(_probability)) return null;
        return random.NextDouble(_range.Low, _range.High);
    }
}
