using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>With a probability, rotates 3D images by random angles about the three voxel axes (the same rotation for every field), about the grid centre and in millimetres, keeping the shape; the affine turns with the grid so content keeps its world position.</summary>
/// <remarks>
/// Clara's numerics are not documented. Angles are drawn uniformly per axis (degrees), the rotation is
/// <see cref="Rotations.Matrix3D"/> (about i, then j, then k) applied to physical offsets from the grid centre, so
/// anisotropic voxels are not sheared. Images are interpolated trilinearly, label fields by nearest neighbour; points
/// from outside the image take the edge value (MONAI's default) unless padding_mode is constant (0). Each crop of a
/// batching crop gets its own draw, shared by the fields.
/// </remarks>
[Component(ComponentKind.Transform, "RandomRotate3D")]
public sealed class RandomRotate3D : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly HashSet<string> _labelFields;
    private readonly double _probability;
    private readonly (double Low, double High) _x, _y, _z;
    private readonly ResamplePadding _padding;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to rotate together.</param>
    /// <param name="labelFields">Fields among <paramref name="fields"/> holding label maps (nearest neighbour); by default the field named "label" if listed.</param>
    /// <param name="probability">Probability of rotating at all.</param>
    /// <param name="degreesX">Angle about axis i in degrees: d for [−d, d], or [low, high].</param>
    /// <param name="degreesY">Angle about axis j in degrees: d for [−d, d], or [low, high].</param>
    /// <param name="degreesZ">Angle about axis k in degrees: d for [−d, d], or [low, high].</param>
    /// <param name="paddingMode">Value of voxels rotated in from outside the image: border (edge value) or constant (0).</param>
    public RandomRotate3D(string[] fields, string[]? labelFields = null, double probability = 0.5,
        double[]? degreesX = null, double[]? degreesY = null, double[]? degreesZ = null, ResamplePadding paddingMode = ResamplePadding.Border)
    {
        _fields = TransformArgs.Fields(fields);
        _labelFields = RotationArgs.LabelFields(_fields, labelFields);
        _probability = TransformArgs.Probability(probability);
        _x = SpatialArgs.AngleRange(degreesX ?? [15], "degrees_x");
        _y = SpatialArgs.AngleRange(degreesY ?? [15], "degrees_y");
        _z = SpatialArgs.AngleRange(degreesZ ?? [15], "degrees_z");
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
        SampleDraws.Apply(context, _fields, nameof(RandomRotate3D), Draw,
            (image, field, angles) => angles is not { } a ? image
                : Rotate(image, a.X, a.Y, a.Z, _labelFields.Contains(field) ? Interpolation.Nearest : Interpolation.Linear, _padding));

    /// <summary>The 3D image with its content rotated by <see cref="Rotations.Matrix3D"/>(<paramref name="aboutI"/>, <paramref name="aboutJ"/>, <paramref name="aboutK"/>) degrees about the grid centre; the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Rotate(MedicalImage image, double aboutI, double aboutJ, double aboutK, Interpolation interpolation, ResamplePadding padding = ResamplePadding.Border)
    {
        if (image.SpatialRank != 3) throw new ArgumentException($"{nameof(RandomRotate3D)} needs 3D images, got {image}", nameof(image));
        var map = Rotations.ContentRotationIndexMap(image.SpatialShape, image.Spacing, Rotations.Matrix3D(aboutI, aboutJ, aboutK));
        return AffineResampler.ResampleByIndexMap(image, map, image.SpatialShape, interpolation, padding);
    }

    private (double X, double Y, double Z)? Draw(SampleRandom random, int rank)
    {
        if (rank != 3) throw new InvalidOperationException($"{nameof(RandomRotate3D)} needs 3D images; use RandomRotate2D for 2D");
        if (!random.NextBool(_probability)) return null;
        return (random.NextDouble(_x.Low, _x.High), random.NextDouble(_y.Low, _y.High), random.NextDouble(_z.Low, _z.High));
    }
}
