using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Crops;

/// <summary>Crops every field to the bounding box of the object (label &gt; 0, or source image &gt; threshold) widened by a margin.</summary>
/// <remarks>
/// Clara's args for this transform are unknown; these follow MONAI's CropForeground. The box source is, in order of
/// preference: <c>label_field</c> (voxels where any channel is &gt; 0; the label field is cropped too), else
/// <c>source_field</c> (voxels where any channel is &gt; <c>threshold</c>; cropped only when listed in <c>fields</c>),
/// else the first of <c>fields</c> with the threshold. The box is
/// [first − margin, last + margin] per axis, clamped to the image (MONAI's <c>allow_smaller=True</c>: nothing is padded).
/// A volume with no foreground is left at full size (MONAI would return an empty image). The affine is translated by the box start.
/// </remarks>
[Component(ComponentKind.Transform, "CropForegroundObject")]
public sealed class CropForegroundObject : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly string _source;
    private readonly bool _sourceIsLabel;
    private readonly int[] _margin;
    private readonly double _threshold;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Fields to crop; they must share one voxel grid.</param>
    /// <param name="labelField">Label whose non-zero (&gt; 0) voxels define the object; cropped as well.</param>
    /// <param name="sourceField">Image whose voxels above <paramref name="threshold"/> define the object, when there is no label field.</param>
    /// <param name="margin">Voxels added on both sides of the box per axis (one entry = every axis).</param>
    /// <param name="threshold">Intensity above which a voxel of the source image is foreground (not used with a label field).</param>
    public CropForegroundObject(string[] fields, string? labelField = null, string? sourceField = null, int[]? margin = null, double threshold = 0.0)
    {
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        if (labelField is not null && sourceField is not null)
            throw new ConfigArgException("source_field", "give label_field (box of label > 0) or source_field (box of image > threshold), not both");
        margin ??= [0];
        if (margin.Length is < 1 or > 3) throw new ConfigArgException("margin", $"give 1, 2 or 3 entries, got {margin.Length}");
        for (var a = 0; a < margin.Length; a++)
            if (margin[a] < 0) throw new ConfigArgException($"margin[{a}]", $"margins are voxel counts ≥ 0, got {margin[a]}");
        if (!double.IsFinite(threshold)) throw new ConfigArgException("threshold", "threshold must be a finite number");

        _fields = FieldCropper.Union(fields, labelField);
        _sourceIsLabel = labelField is not null;
        _source = labelField ?? sourceField ?? fields[0];
        _margin = margin;
        _threshold = _sourceIsLabel ? 0.0 : threshold;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => FieldCropper.Union(_fields, _source);

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        var sources = context.GetImages(_source, nameof(CropForegroundObject));
        FieldCropper.Apply<CropWindow>(context, _fields, nameof(CropForegroundObject),
            (j, volume) =>
            {
                if (j >= sources.Count)
                    throw new InvalidOperationException($"{nameof(CropForegroundObject)}: field '{_source}' holds {sources.Count} images, fewer than '{_fields[0]}' in sample {context.Sample.Index} ({context.Sample.Description})");
                return [WindowOf(sources[j], volume[0], context.Sample)];
            },
            (_, image, window) => window.Extract(image),
            alwaysBatch: false);
    }

    private CropWindow WindowOf(MedicalImage source, MedicalImage target, SampleInfo sample)
    {
        var shape = target.SpatialShape;
        if (!source.SpatialShape.SequenceEqual(shape))
            throw new InvalidOperationException(
                $"{nameof(CropForegroundObject)}: field '{_source}' has spatial shape [{string.Join("×", source.SpatialShape)}] but the cropped fields have [{string.Join("×", shape)}] in sample {sample.Index} ({sample.Description})");
        var rank = shape.Length;
        if (_margin.Length != 1 && _margin.Length != rank)
            throw new InvalidOperationException($"{nameof(CropForegroundObject)}: margin has {_margin.Length} entries but sample {sample.Index} ({sample.Description}) has {rank} spatial axes");

        (long First, long Last)[]? box;
        using (var mask = ForegroundBox.AnyChannelAbove(source.Data, _threshold)) box = ForegroundBox.Of(mask);
        if (box is null) return new CropWindow(new long[rank], shape);

        var start = new long[rank];
        var size = new long[rank];
        for (var a = 0; a < rank; a++)
        {
            var m = _margin.Length == 1 ? _margin[0] : _margin[a];
            var lo = Math.Max(box[a].First - m, 0);
            var hi = Math.Min(box[a].Last + m, shape[a] - 1);
            start[a] = lo;
            size[a] = hi - lo + 1;
        }
        return new CropWindow(start, size);
    }
}
