using Pipeline.Imaging;
using static Pipeline.ImageIO.Dicom.PatientVectors;
using static TorchSharp.torch;

namespace Pipeline.ImageIO.Dicom;

/// <summary>A DICOM SEG read back: its segments, and a label volume (segment numbers) on the grid its frames span.</summary>
/// <param name="Labels">[1, columns, rows, slices] int32, voxel (i, j, k) the segment of column i and row j at the k-th frame position (0 outside every segment; where segments overlap, the higher number); the affine in RAS as the series reader's.</param>
/// <param name="Segments">The segments it describes.</param>
/// <param name="Type">Binary or fractional (a fractional pixel counts when it is at least half the maximum).</param>
public sealed record DicomSegmentation(MedicalImage Labels, IReadOnlyList<DicomSegment> Segments, DicomSegmentationType Type);

/// <summary>Reads DICOM Segmentation objects (binary and fractional, uncompressed) back into label volumes.</summary>
public static class DicomSegReader
{
    /// <summary>Reads the SEG at <paramref name="path"/>.</summary>
    /// <exception cref="DicomFormatException">The file is not a SEG this reader reads, or its frames do not lie on one regular grid.</exception>
    public static DicomSegmentation Read(string path)
    {
        var file = DicomParser.Read(path);
        var ds = file.Dataset;
        if (ds.GetString(DicomTags.SopClassUid) != DicomUid.SegmentationStorage)
            throw new DicomFormatException(path, $"the file is not a Segmentation (its SOP class is {ds.GetString(DicomTags.SopClassUid) ?? "absent"})");
        var type = ds.GetString(DicomTags.SegmentationType) switch
        {
            "BINARY" => DicomSegmentationType.Binary,
            "FRACTIONAL" => DicomSegmentationType.Fractional,
            var other => throw new DicomFormatException(path, $"SegmentationType '{other}' is not read; BINARY and FRACTIONAL are"),
        };
        if (file.Syntax.Pixels != PixelEncoding.Native) throw new DicomFormatException(path, $"the SEG's pixel data are compressed ({file.Syntax}); uncompressed SEGs are read");
        var rows = (int)(ds.GetInteger(DicomTags.Rows) ?? 0);
        var columns = (int)(ds.GetInteger(DicomTags.Columns) ?? 0);
        var planes = DicomPlane.Of(path, ds).ToList();
        var perFrame = ds.GetItems(DicomTags.PerFrameFunctionalGroupsSequence);
        var segments = ds.GetItems(DicomTags.SegmentSequence).Select(s => new DicomSegment((int)(s.GetInteger(DicomTags.SegmentNumber) ?? 0),
            s.GetString(DicomTags.SegmentLabel) ?? "", Code(s, new DicomTag(0x0062, 0x0003)), Code(s, new DicomTag(0x0062, 0x000F)))).ToList();

        var orientation = planes[0].Decimals(DicomTags.ImageOrientationPatient, 6);
        var spacing = planes[0].Decimals(DicomTags.PixelSpacing, 2);
        double[] row = orientation[..3], column = orientation[3..];
        var normal = Cross(row, column);
        var positions = planes.Select(p => p.Decimals(DicomTags.ImagePositionPatient, 3)).ToList();
        var distances = positions.Select(p => Dot(p, normal)).ToList();
        var origin = positions[distances.IndexOf(distances.Min())];
        var distinct = distances.Select(d => Math.Round(d, 3)).Distinct().Order().ToList();
        var step = ds.GetItems(DicomTags.SharedFunctionalGroupsSequence) is [var shared, ..] && shared.GetItems(DicomTags.PixelMeasuresSequence) is [var measures, ..] &&
            Number(path, () => measures.GetDecimals(DicomTags.SpacingBetweenSlices)) is [var between, ..] && between > 0 && double.IsFinite(between) ? between
            : distinct.Count > 1 ? distinct.Zip(distinct.Skip(1), (a, b) => b - a).Min() : 1.0;
        var span = Math.Round((distances.Max() - distances.Min()) / step) + 1;
        if (rows < 1 || columns < 1 || !(span <= 65536) || span * rows * columns > Array.MaxLength)
            throw new DicomFormatException(path, $"the SEG's frames ({rows}x{columns}) span {span} slices of {step:0.###} mm, more than one volume may hold");
        var slices = (int)span;

        var pixels = ds.Get(DicomTags.PixelData)?.Value ?? throw new DicomFormatException(path, "the SEG has no pixel data");
        var frameSize = (long)rows * columns;
        var needed = type == DicomSegmentationType.Binary ? (planes.Count * frameSize + 7) / 8 : planes.Count * frameSize;
        if (pixels.Length < needed) throw new DicomFormatException(path, $"the pixel data hold {pixels.Length} bytes; {planes.Count} frames of {rows}x{columns} need {needed}");
        var labels = new int[columns * rows * (long)slices];
        for (var f = 0; f < planes.Count; f++)
        {
            var offset = Subtract(positions[f], origin);
            var k = (int)Math.Round(Dot(offset, normal) / step);
            if (Math.Abs(Dot(offset, normal) - k * step) > 1e-3 * step + 1e-4 || Math.Abs(Dot(offset, row)) > 1e-3 || Math.Abs(Dot(offset, column)) > 1e-3)
                throw new DicomFormatException(path, $"frame {f + 1} does not lie on the grid of the other frames");
            var number = (int)(perFrame[f].GetItems(DicomTags.SegmentIdentificationSequence) is [var id, ..] ? id.GetInteger(DicomTags.ReferencedSegmentNumber) ?? 0 : 0);
            if (number == 0) throw new DicomFormatException(path, $"frame {f + 1} names no segment");
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < columns; c++)
                {
                    var p = f * frameSize + (long)r * columns + c;
                    var set = type == DicomSegmentationType.Binary ? (pixels[p >> 3] >> (int)(p & 7) & 1) == 1 : pixels[p] >= 128;
                    var target = ((long)c * rows + r) * slices + k;
                    if (set && number > labels[target]) labels[target] = number;
                }
        }

        var affine = DicomVolumeAffine.Of(row, column, (spacing[0], spacing[1]), [.. normal.Select(v => v * step)], origin);
        return new DicomSegmentation(new MedicalImage(tensor(labels, [1, columns, rows, slices]), affine, new ImageProperties { SourceFiles = [path], OriginalAffine = affine, OriginalSpatialShape = [columns, rows, slices] }),
            segments, type);
    }

    private static double[]? Number(string path, Func<double[]?> read)
    {
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            throw new DicomFormatException(path, $"a decimal attribute is not a number: {e.Message}");
        }
    }

    private static DicomCode Code(DicomDataset segment, DicomTag sequence) => segment.GetItems(sequence) is [var item, ..]
        ? new DicomCode(item.GetString(new DicomTag(0x0008, 0x0100)) ?? "", item.GetString(new DicomTag(0x0008, 0x0102)) ?? "", item.GetString(new DicomTag(0x0008, 0x0104)) ?? "")
        : new DicomCode("", "", "");

}
