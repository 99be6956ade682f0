using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Labels;

namespace Pipeline.Transforms.Utility;

/// <summary>Copies geometry and provenance from one field's image onto other fields (e.g. the image's affine onto the prediction), so writers emit correct geometry.</summary>
/// <remarks>
/// <para>
/// Property names (Clara used <c>["affine"]</c>): <c>affine</c> (the voxel-to-world transform; the target must have the
/// source's spatial shape, since an affine describes one voxel grid), <c>original_affine</c>, <c>original_shape</c> (alias
/// <c>original_spatial_shape</c>), <c>source_files</c> (alias <c>filename</c>) and <c>extra</c> (properties set by
/// transforms). Without <c>properties</c> all of them are copied. Voxel data are never touched.
/// </para>
/// <para>
/// With batches: a plain source is copied onto every crop of a target; a batch source is copied crop by crop onto a
/// batch target with the same number of crops.
/// </para>
/// </remarks>
[Component(ComponentKind.Transform, "CopyProperties")]
public sealed class CopyProperties : ITransform, IDeclaresFields
{
    private static readonly Dictionary<string, ImagePart> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["affine"] = ImagePart.Affine,
        ["original_affine"] = ImagePart.OriginalAffine,
        ["original_shape"] = ImagePart.OriginalShape,
        ["original_spatial_shape"] = ImagePart.OriginalShape,
        ["source_files"] = ImagePart.SourceFiles,
        ["filename"] = ImagePart.SourceFiles,
        ["extra"] = ImagePart.Extra,
    };

    private readonly string[] _fields;
    private readonly string _fromField;
    private readonly HashSet<ImagePart> _parts;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Fields to copy onto.</param>
    /// <param name="fromField">Field whose image is copied from (e.g. <c>image</c>).</param>
    /// <param name="properties">What to copy: affine, original_affine, original_shape, source_files, extra; default all.</param>
    public CopyProperties(string[] fields, string fromField, string[]? properties = null)
    {
        _fields = TransformArgs.Fields(fields, "fields");
        _fromField = TransformArgs.Field(fromField, "from_field");
        if (properties is null) _parts = [.. Enum.GetValues<ImagePart>()];
        else
        {
            if (properties.Length == 0) throw new ConfigArgException("properties", "name at least one property, or leave properties out to copy all");
            _parts = [];
            for (var i = 0; i < properties.Length; i++)
            {
                if (!Names.TryGetValue(properties[i].Trim(), out var part))
                    throw new ConfigArgException($"properties[{i}]", $"unknown property '{properties[i]}'; accepted: {string.Join(", ", Names.Keys)}");
                _parts.Add(part);
            }
        }
    }

    private enum ImagePart { Affine, OriginalAffine, OriginalShape, SourceFiles, Extra }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => [_fromField, .. _fields.Where(f => f != _fromField)];

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        var sources = context.GetImages(_fromField, nameof(CopyProperties));
        var sourceIsBatch = FieldImages.IsBatch(context, _fromField);
        foreach (var field in _fields)
        {
            if (field == _fromField) continue;
            var targets = context.GetImages(field, nameof(CopyProperties));
            if (sourceIsBatch && (!FieldImages.IsBatch(context, field) || targets.Count != sources.Count))
                throw FieldImages.Problem(context, nameof(CopyProperties), field,
                    $"holds {(FieldImages.IsBatch(context, field) ? $"{targets.Count} crops" : "one image")}, but from_field '{_fromField}' holds {sources.Count} crops; a batch is copied crop by crop");
            var copies = new List<MedicalImage>(targets.Count);
            for (var n = 0; n < targets.Count; n++)
                copies.Add(Copy(context, field, sourceIsBatch ? sources[n] : sources[0], targets[n]));
            context.SetImages(field, copies);
        }
    }

    private MedicalImage Copy(TransformContext context, string field, MedicalImage source, MedicalImage target)
    {
        if (_parts.Contains(ImagePart.Affine) && !source.SpatialShape.SequenceEqual(target.SpatialShape))
            throw FieldImages.Problem(context, nameof(CopyProperties), field,
                $"has spatial shape [{string.Join("×", target.SpatialShape)}], but from_field '{_fromField}' has [{string.Join("×", source.SpatialShape)}]; an affine can only be copied between images of the same grid");

        var from = source.Properties;
        var to = target.Properties;
        var properties = new ImageProperties
        {
            SourceFiles = _parts.Contains(ImagePart.SourceFiles) ? from.SourceFiles : to.SourceFiles,
            OriginalAffine = _parts.Contains(ImagePart.OriginalAffine) ? from.OriginalAffine : to.OriginalAffine,
            OriginalSpatialShape = _parts.Contains(ImagePart.OriginalShape) ? from.OriginalSpatialShape : to.OriginalSpatialShape,
            Extra = _parts.Contains(ImagePart.Extra) ? from.Extra : to.Extra,
        };
        var affine = _parts.Contains(ImagePart.Affine) ? source.Affine : target.Affine;
        // A second handle on the same storage: the context disposes the old image (and its handle) when the field is replaced.
        return new MedicalImage(target.Data.alias(), affine, properties);
    }
}
