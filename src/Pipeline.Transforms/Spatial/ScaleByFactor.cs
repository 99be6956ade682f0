using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Resizes images by a zoom factor per axis (linear for images, nearest for labels), keeping their physical extent; the affine's spacing changes accordingly.</summary>
/// <remarks>
/// Clara's numerics are not documented. The new size of an axis is round(n·factor) (round half to even, at least 1), as
/// scipy's zoom; the resize then follows <see cref="ScaleToShape"/>: voxel edges stay on voxel edges (new voxel t reads old
/// index (t + ½)·n/m − ½), so the realised factor is m/n and the new spacing old·n/m. A single factor applies to every
/// axis; shorter lists are padded with their last value, extra values ignored.
/// </remarks>
[Component(ComponentKind.Transform, "ScaleByFactor")]
public sealed class ScaleByFactor : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double[] _factor;
    private readonly Interpolation _interpolation;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to resize.</param>
    /// <param name="factor">Zoom factor per spatial axis (i, j, k), or one for all: 2 doubles the number of voxels along an axis.</param>
    /// <param name="isLabel">Nearest-neighbour interpolation (label maps) instead of linear.</param>
    public ScaleByFactor(string[] fields, double[] factor, bool isLabel = false)
    {
        _fields = TransformArgs.Fields(fields);
        _factor = SpatialArgs.PerAxis(factor, "factor", f => f > 0, "a positive zoom factor");
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
            context.SetImages(field, context.GetImages(field, nameof(ScaleByFactor)).Select(image =>
            {
                var factor = SpatialArgs.ForRank(_factor, image.SpatialRank);
                var shape = image.SpatialShape.Select((n, a) => Math.Max(1, (long)Math.Round(n * factor[a], MidpointRounding.ToEven))).ToArray();
                return ScaleToShape.Resize(image, shape, _interpolation);
            }).ToList());
    }
}
