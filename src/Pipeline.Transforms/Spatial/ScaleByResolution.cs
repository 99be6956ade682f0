using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Resamples images to a target voxel spacing in millimetres (linear for images, nearest for labels), updating the affine so every voxel keeps its world position.</summary>
/// <remarks>
/// Clara's numerics are not documented, so the grid follows MONAI's Spacing (diagonal=False, scale_extent=False):
/// the affine's axis directions are kept and its columns rescaled to the new spacing, the first voxel centre stays at the
/// same world point, and the new size of an axis is round((n − 1) · old / new) + 1 (round half to even, as numpy). New
/// voxel t therefore reads old index t · new/old. Points past the last old voxel centre take the edge value (MONAI's
/// padding_mode "border"). Linear output is float32; nearest keeps the dtype. Per-axis values follow MONAI too: a single
/// value applies to every axis, a shorter list is padded with its last value, extra values are ignored, and a value ≤ 0
/// keeps that axis's spacing.
/// </remarks>
[Component(ComponentKind.Transform, "ScaleByResolution")]
public sealed class ScaleByResolution : ITransform, ISetsImageGeometry
{
    private readonly string[] _fields;
    private readonly double[] _targetResolution;
    private readonly Interpolation _interpolation;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to resample.</param>
    /// <param name="targetResolution">Voxel size in mm per spatial axis (i, j, k), or one value for all; a value ≤ 0 keeps that axis.</param>
    /// <param name="isLabel">Nearest-neighbour interpolation (label maps) instead of linear.</param>
    public ScaleByResolution(string[] fields, double[] targetResolution, bool isLabel = false)
    {
        _fields = TransformArgs.Fields(fields);
        _targetResolution = SpatialArgs.PerAxis(targetResolution, "target_resolution", _ => true, "a voxel size in mm");
        if (_targetResolution.All(r => r <= 0)) throw new ConfigArgException("target_resolution", "give at least one positive voxel size in mm");
        _interpolation = isLabel ? Interpolation.Nearest : Interpolation.Linear;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<double>? TargetSpacing => _targetResolution;

    /// <inheritdoc />
    public string? TargetOrientation => null;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
            context.SetImages(field, context.GetImages(field, nameof(ScaleByResolution)).Select(Resample).ToList());
    }

    /// <summary>The image resampled to <paramref name="targetResolution"/> (one value per spatial axis; ≤ 0 keeps the axis); the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Resample(MedicalImage image, IReadOnlyList<double> targetResolution, Interpolation interpolation)
    {
        var rank = image.SpatialRank;
        var spacing = image.Spacing;
        if (spacing.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new InvalidOperationException($"{image} has a degenerate affine (voxel sizes {string.Join(", ", spacing)}); its spacing cannot be changed");
        var shape = image.SpatialShape;
        var ratio = new double[rank];
        var newShape = new long[rank];
        for (var a = 0; a < rank; a++)
        {
            var target = targetResolution[a] > 0 ? targetResolution[a] : spacing[a];
            ratio[a] = target / spacing[a];
            // Spacings read back from an affine carry rounding noise; an exact 1 keeps an unchanged axis bit-identical.
            if (Math.Abs(ratio[a] - 1) < 1e-9) ratio[a] = 1;
            newShape[a] = (long)Math.Round((shape[a] - 1) / ratio[a], MidpointRounding.ToEven) + 1;
        }
        var map = IndexMaps.AxisScaling(ratio, new double[rank]);
        return AffineResampler.ResampleByIndexMap(image, map, newShape, interpolation);
    }

    private MedicalImage Resample(MedicalImage image) =>
        Resample(image, SpatialArgs.ForRank(_targetResolution, image.SpatialRank), _interpolation);
}
