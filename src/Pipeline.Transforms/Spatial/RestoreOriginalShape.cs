using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Resamples a field (usually the prediction) back onto the original grid of another field's source file, undoing any chain of crops, pads, flips, reorientations, resamplings and rotations.</summary>
/// <remarks>
/// The original grid is <c>OriginalAffine</c> and <c>OriginalSpatialShape</c> from <c>src_field</c>'s properties (set by
/// the loader). Because every spatial transform keeps world positions in the affine, the inverse of any chain is one
/// resampling from the field's current affine to that grid (<see cref="AffineResampler"/>): pure axis changes are exact
/// copies, resamplings interpolate (nearest for labels). Original voxels outside the field's voxel extent (e.g. cropped
/// away) get 0. The result has the original affine and keeps the field's own properties.
/// </remarks>
[Component(ComponentKind.Transform, "RestoreOriginalShape")]
public sealed class RestoreOriginalShape : ITransform, IDeclaresFields
{
    private readonly string _field;
    private readonly string _srcField;
    private readonly Interpolation _interpolation;

    /// <summary>Creates the transform.</summary>
    /// <param name="field">Image field to put back on the original grid.</param>
    /// <param name="srcField">Field whose properties record the original grid (e.g. <c>image</c>).</param>
    /// <param name="isLabel">Nearest-neighbour interpolation (label maps) instead of linear.</param>
    public RestoreOriginalShape(string field, string srcField, bool isLabel = false)
    {
        _field = TransformArgs.Field(field, "field");
        _srcField = TransformArgs.Field(srcField, "src_field");
        _interpolation = isLabel ? Interpolation.Nearest : Interpolation.Linear;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _field == _srcField ? [_field] : [_field, _srcField];

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => [_field];

    /// <inheritdoc />
    public string FieldsArg => "field";

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        var source = context.GetImages(_srcField, nameof(RestoreOriginalShape))[0].Properties;
        if (source.OriginalAffine is not { } affine || source.OriginalSpatialShape is not { } shape)
            throw new InvalidOperationException(
                $"{nameof(RestoreOriginalShape)}: field '{_srcField}' of sample {context.Sample.Index} ({context.Sample.Description}) records no original affine and shape; load it with LoadNifti");
        var images = context.GetImages(_field, nameof(RestoreOriginalShape));
        if (images.Any(image => image.SpatialRank != shape.Length))
            throw new InvalidOperationException(
                $"{nameof(RestoreOriginalShape)}: field '{_field}' of sample {context.Sample.Index} has {images[0].SpatialRank} spatial axes but the original grid of '{_srcField}' has {shape.Length}");
        context.SetImages(_field, images.Select(image => Restore(image, affine, shape, _interpolation)).ToList());
    }

    /// <summary>The image resampled onto the grid (<paramref name="originalAffine"/>, <paramref name="originalShape"/>), 0 outside its own extent; the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Restore(MedicalImage image, AffineMatrix originalAffine, IReadOnlyList<long> originalShape, Interpolation interpolation) =>
        AffineResampler.Resample(image, originalAffine, originalShape, interpolation, ResamplePadding.Constant);
}
