using System.Text.RegularExpressions;
using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Evaluation;
using Pipeline.Imaging;
using Pipeline.ImageIO.Dicom;
using Pipeline.IO;
using Pipeline.Transforms.Spatial;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Evaluation.Writers;

/// <summary>Writes the prediction of an input read from a DICOM series as a DICOM Segmentation object, <c>{write_path}/{stem}/{stem}_{field}.seg.dcm</c>, that overlays the source series.</summary>
/// <remarks>
/// The prediction is first put back on the source series' grid (as <see cref="WriteNifti"/> does), then every segment's
/// non-empty slices become frames placed at and referencing their source images (see <see cref="DicomSegWriter"/>).
/// <c>binary</c>: the field holds labels, label value v is segment v. <c>fractional</c>: the field holds per-class
/// probabilities (channels), channel c is segment c and channel 0 (background) is not written. Segments are described
/// by <c>segments</c>, keyed by label value: <c>{"1": {"label": "Spleen", "category": "SCT:91723000:Anatomical
/// Structure", "type": "SCT:78961009:Spleen"}}</c>; when it is absent every label value found becomes a segment
/// "Label v" of generic tissue. A label value the prediction holds but <c>segments</c> does not describe is an error,
/// so a SEG never carries an unnamed structure.
/// </remarks>
[Component(ComponentKind.Writer, "WriteDicomSeg")]
public sealed class WriteDicomSeg : FieldWriter
{
    private readonly DicomSegmentationType _type;
    private readonly IReadOnlyDictionary<int, DicomSegment>? _segments;
    private readonly DicomSegSeries _series;

    /// <summary>Validates the args.</summary>
    /// <param name="field">The field to write: labels (binary) or class probabilities (fractional).</param>
    /// <param name="segmentationType">binary (default) or fractional.</param>
    /// <param name="segments">Segment descriptions by label value: label, and category and type as SCHEME:VALUE:Meaning.</param>
    /// <param name="seriesDescription">Series and content description of the SEG.</param>
    /// <param name="seriesNumber">Series number of the SEG.</param>
    /// <param name="contentLabel">Content label (capitals, digits, space, underscore; at most 16).</param>
    /// <param name="algorithmName">The algorithm named in every segment (default: the MMAR's folder name).</param>
    /// <param name="algorithmVersion">The algorithm's version.</param>
    /// <param name="writePath">Folder of the per-input folders; default MMAR_EVAL_OUTPUT_PATH.</param>
    /// <param name="srcField">The input image field, read from the DICOM series the SEG refers to.</param>
    /// <param name="paths">The MMAR's folders, for relative paths.</param>
    /// <param name="output">The run's output folder (a host service); <c>write_path</c> must lie inside it.</param>
    public WriteDicomSeg(string field, DicomSegmentationType segmentationType = DicomSegmentationType.Binary,
        Dictionary<string, Dictionary<string, string>>? segments = null, string seriesDescription = "Segmentation", int seriesNumber = 900,
        string contentLabel = "SEGMENTATION", string? algorithmName = null, string algorithmVersion = "1", string? writePath = null, string srcField = "image",
        MmarPaths? paths = null, OutputFolder? output = null) : base(field, srcField, writePath, paths, output)
    {
        if (!Regex.IsMatch(contentLabel, "^[A-Z0-9_ ]{1,16}$"))
            throw new ConfigArgException("content_label", $"'{contentLabel}' is not a DICOM code string: use 1 to 16 capitals, digits, spaces or underscores");
        if (seriesNumber is < 0 or > 99999) throw new ConfigArgException("series_number", "must be in 0–99999");
        CheckText("series_description", seriesDescription);
        CheckText("algorithm_version", algorithmVersion);
        var name = algorithmName ?? (paths is null ? "mmar" : Path.GetFileName(Path.TrimEndingDirectorySeparator(paths.MmarRoot)));
        CheckText("algorithm_name", name);
        _type = segmentationType;
        _segments = segments is null ? null : Segments(segments);
        _series = new DicomSegSeries(seriesDescription, seriesNumber, contentLabel, name, algorithmVersion);
    }

    /// <inheritdoc />
    protected override string Extension => ".seg.dcm";

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The input was not read from DICOM, or the prediction holds a label no segment describes.</exception>
    public override void Write(TransformContext context, string stem)
    {
        ArgumentNullException.ThrowIfNull(context);
        var image = context.GetImage(Field, nameof(WriteDicomSeg));
        var properties = SourceProperties(context, image);
        if (!properties.Extra.TryGetValue(DicomSourceSeries.PropertyKey, out var value) || value is not DicomSourceSeries source ||
            properties.OriginalAffine is not { } affine || properties.OriginalSpatialShape is not [var columns, var rows, _] shape)
            throw new InvalidDataException($"{nameof(WriteDicomSeg)}: field '{SourceField}' of {context.Sample.Description} was not read from a DICOM series; " +
                "a SEG refers to its source images, so load the input with LoadDicom or LoadImage");
        if (image.SpatialRank != 3)
            throw new InvalidDataException($"{nameof(WriteDicomSeg)}: field '{Field}' has {image.SpatialRank} spatial axes; a SEG is written for a 3-D prediction");
        using var scope = NewDisposeScope();
        DicomDataset seg;
        if (_type == DicomSegmentationType.Binary)
        {
            if (image.Channels != 1)
                throw new InvalidDataException($"{nameof(WriteDicomSeg)}: field '{Field}' has {image.Channels} channels; a binary SEG is written from one channel of labels (e.g. after ArgmaxAcrossChannels)");
            using var restored = RestoreOriginalShape.Restore(image, affine, shape, Interpolation.Nearest);
            var labels = (restored.Data.is_floating_point() ? restored.Data.round() : restored.Data).to_type(ScalarType.Int32).contiguous().data<int>().ToArray();
            var present = labels.Where(v => v != 0).Distinct().Order().ToArray();
            var segments = _segments is null ? [.. present.Select(Generic)] : Described(present, context);
            seg = DicomSegWriter.Binary(source, (int)columns, (int)rows, labels, segments.Count > 0 ? segments : [Generic(1)], _series);
        }
        else
        {
            if (image.Channels < 2)
                throw new InvalidDataException($"{nameof(WriteDicomSeg)}: field '{Field}' has 1 channel; a fractional SEG is written from per-class probabilities (background first), before ArgmaxAcrossChannels");
            using var restored = RestoreOriginalShape.Restore(image, affine, shape, Interpolation.Linear);
            var probabilities = restored.Data[1..].to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            var numbers = Enumerable.Range(1, (int)image.Channels - 1).ToArray();
            var segments = _segments is null ? [.. numbers.Select(Generic)] : Described(numbers, context);
            seg = DicomSegWriter.Fractional(source, (int)columns, (int)rows, probabilities, segments, _series);
        }
        DicomWriter.Write(seg, Folder, OutputFiles(stem)[0]);
    }

    private List<DicomSegment> Described(IEnumerable<int> numbers, TransformContext context) =>
        [.. numbers.Select(n => _segments!.TryGetValue(n, out var segment) ? segment
            : throw new InvalidDataException($"{nameof(WriteDicomSeg)}: the prediction for {context.Sample.Description} holds label {n}, which the writer's segments " +
                $"do not describe (described: {string.Join(", ", _segments.Keys.Order())}); add it to segments"))];

    private static DicomSegment Generic(int number) => new(number, $"Label {number}", DicomCode.AnatomicalStructure, DicomCode.Tissue);

    private static Dictionary<int, DicomSegment> Segments(Dictionary<string, Dictionary<string, string>> given)
    {
        var segments = new Dictionary<int, DicomSegment>();
        foreach (var (key, fields) in given)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > ushort.MaxValue)
                throw new ConfigArgException($"segments.{key}", "segments are keyed by label value, an integer in 1–65535");
            foreach (var unknown in fields.Keys.Except(["label", "category", "type"]))
                throw new ConfigArgException($"segments.{key}.{unknown}", "unknown key; a segment takes label, category and type");
            var label = fields.GetValueOrDefault("label") ?? $"Label {number}";
            CheckText($"segments.{key}.label", label);
            segments[number] = new DicomSegment(number, label, Code(key, "category", fields, DicomCode.AnatomicalStructure), Code(key, "type", fields, DicomCode.Tissue));
        }
        if (segments.Count == 0) throw new ConfigArgException("segments", "describe at least one segment, or leave the arg out");
        return segments;
    }

    private static DicomCode Code(string key, string name, Dictionary<string, string> fields, DicomCode absent)
    {
        if (!fields.TryGetValue(name, out var text)) return absent;
        return DicomCode.Parse(text, out var problem) ?? throw new ConfigArgException($"segments.{key}.{name}", problem!);
    }

    // LO: at most 64 characters, no backslash or control characters.
    private static void CheckText(string arg, string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64 || text.Any(c => c == '\\' || char.IsControl(c) || c > 0x7E))
            throw new ConfigArgException(arg, $"'{text}' is not a DICOM long string: give 1 to 64 printable ASCII characters without a backslash");
    }
}
