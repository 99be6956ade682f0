using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Resizes images to a fixed spatial shape (linear for images, nearest for labels), keeping their physical extent; the affine's spacing changes accordingly.</summary>
/// <remarks>
/// Clara's numerics are not documented. The resize keeps the image's extent (voxel edges on voxel edges): new voxel t
/// reads old index (t + ½)·n/m − ½, as torch's interpolate without align_corners (MONAI's Resize) and scipy's zoom with
/// grid_mode=True; the new spacing is old·n/m and the grid centre stays in place. Points past the outer voxel centres take
/// the edge value. A shape entry ≤ 0 keeps that axis; per-axis lists broadcast as in <see cref="ScaleByResolution"/>.
/// Linear output is float32; nearest keeps the dtype.
/// </remarks>
[Component(ComponentKind.Transform, "ScaleToShape")]
public sealed class ScaleToShape : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly long[] _targetShape;
    private readonly Interpolation _interpolation;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to resize.</param>
    /// <param name="targetShape">Spatial shape (i, j, k), or one size for all axes; an entry ≤ 0 keeps that axis.</param>
    /// <param name="isLabel">Nearest-neighbour interpolation (label maps) instead of linear.</param>
    public ScaleToShape(string[] fields, long[] targetShape, bool isLabel = false)
    {
        _fields = TransformArgs.Fields(fields);
        _targetShape = SpatialArgs.PerAxis(targetShape, "target_shape", _ => true, "a size");
        _interpolation = isLabel ? Interpolation.Nearest : Interpolation.Linear;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
            context.SetImages(field, context.GetImages(field, nameof(ScaleToShape)).Select(image =>
            {
                var shape = SpatialArgs.ForRank(_targetShape, image.SpatialRank).Select((m, a) => m > 0 ? m : image.SpatialShape[a]).ToArray();
                return Resize(image, shape, _interpolation);
            }).ToList());
    }

    /// <summary>The image resized to <paramref name="targetShape"/> keeping its physical extent; the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Resize(MedicalImage image, IReadOnlyList<long> targetShape, Interpolation interpolation) =>
        AffineResampler.ResampleByIndexMap(image, IndexMaps.ExtentPreservingResize(image.SpatialShape, targetShape), targetShape, interpolation);
}
