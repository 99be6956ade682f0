using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Evaluation;
using Pipeline.Imaging;
using Pipeline.IO;
using Pipeline.ImageIO.Nifti;
using Pipeline.Transforms.Spatial;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Evaluation.Writers;

/// <summary>Clara's <c>WriteNifti</c> eval writer: one field per input as <c>{write_path}/{stem}/{stem}_{field}.nii.gz</c>, on the input image's own voxel grid.</summary>
/// <remarks>
/// The written volume has the shape and affine the input image file has (<c>OriginalSpatialShape</c>/<c>OriginalAffine</c>
/// of <c>src_field</c>, recorded by the loader), whatever orientation, resampling, crop or pad the chain applied: because
/// every spatial transform keeps world positions in the affine, one resampling (<see cref="RestoreOriginalShape.Restore"/>)
/// undoes the whole chain, so the file overlays the original in nibabel or ITK-SNAP without any fix-up. Integer outputs
/// (an integer <c>dtype</c> or integer data) are resampled nearest-neighbour, float outputs linearly; voxels the chain
/// cropped away get 0.
/// </remarks>
[Component(ComponentKind.Writer, "WriteNifti")]
public sealed class WriteNifti : FieldWriter
{
    private static readonly Dictionary<string, NiftiDataType> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["uint8"] = NiftiDataType.UInt8, ["int8"] = NiftiDataType.Int8, ["int16"] = NiftiDataType.Int16, ["uint16"] = NiftiDataType.UInt16,
        ["int32"] = NiftiDataType.Int32, ["int64"] = NiftiDataType.Int64, ["float32"] = NiftiDataType.Float32, ["float64"] = NiftiDataType.Float64,
    };

    private readonly NiftiDataType _dtype;

    /// <summary>Validates the args.</summary>
    /// <param name="field">The field to write (e.g. <c>model</c> after <c>ArgmaxAcrossChannels</c>).</param>
    /// <param name="dtype">On-disk voxel type: uint8, int8, int16, uint16, int32, int64, float32 (Clara's default) or float64.</param>
    /// <param name="writePath">Folder of the per-input folders (Clara: <c>{MMAR_EVAL_OUTPUT_PATH}</c>); relative to the MMAR folder when relative; default MMAR_EVAL_OUTPUT_PATH.</param>
    /// <param name="srcField">The input image field whose original file defines the output grid.</param>
    /// <param name="paths">The MMAR's folders, for relative paths.</param>
    /// <param name="output">The run's output folder (a host service); <c>write_path</c> must lie inside it.</param>
    public WriteNifti(string field, string dtype = "float32", string? writePath = null, string srcField = "image", MmarPaths? paths = null,
        OutputFolder? output = null) : base(field, srcField, writePath, paths, output)
    {
        if (!Types.TryGetValue(dtype.Trim(), out var type))
            throw new ConfigArgException("dtype", $"unknown dtype '{dtype}'; accepted: {string.Join(", ", Types.Keys)}");
        _dtype = type;
    }

    /// <inheritdoc />
    protected override string Extension => ".nii.gz";

    /// <inheritdoc />
    public override void Write(TransformContext context, string stem)
    {
        ArgumentNullException.ThrowIfNull(context);
        var image = context.GetImage(Field, nameof(WriteNifti));
        var source = SourceProperties(context, image);
        if (source.OriginalAffine is not { } affine || source.OriginalSpatialShape is not { } shape)
            throw new InvalidOperationException(
                $"{nameof(WriteNifti)}: field '{SourceField}' of {context.Sample.Description} records no original grid; load it with LoadNifti");
        if (shape.Length != image.SpatialRank)
            throw new InvalidOperationException(
                $"{nameof(WriteNifti)}: field '{Field}' has {image.SpatialRank} spatial axes but the input image has {shape.Length}");
        var interpolation = _dtype.IsInteger() || !image.Data.is_floating_point() ? Interpolation.Nearest : Interpolation.Linear;
        using var restored = RestoreOriginalShape.Restore(image, affine, shape, interpolation);
        NiftiWriter.Write(restored, Folder, OutputFiles(stem)[0], _dtype);
    }
}
