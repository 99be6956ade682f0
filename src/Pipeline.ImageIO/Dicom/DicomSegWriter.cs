using System.Globalization;

namespace Pipeline.ImageIO.Dicom;

/// <summary>
/// Builds a DICOM Segmentation (SEG) object for a mask on the grid of the series it was computed from: one frame per
/// segment and source slice that holds any of the segment (empty frames are left out), each placed where its source
/// image lies and referencing it, so viewers overlay the mask on the source without any resampling.
/// </summary>
/// <remarks>
/// Volumes are given in the reader's layout, [columns, rows, slices] in C order with slice k that of
/// <see cref="DicomSourceSeries.Slices"/>[k]. Frames run segment by segment, slices in order; the dimension index is
/// (segment number, slice). A mask with no voxel in any segment still gets one (empty) frame, because a SEG must hold
/// at least one, so that an archive learns the model ran and found nothing.
/// </remarks>
public static class DicomSegWriter
{
    private static readonly DicomCode SourceImagePurpose = new("121322", "DCM", "Source image for image processing operation");
    private static readonly (DicomTag Tag, string Vr)[] PatientAndStudyType2 =
    [
        (DicomTags.PatientName, "PN"), (DicomTags.PatientId, "LO"), (DicomTags.PatientBirthDate, "DA"), (DicomTags.PatientSex, "CS"),
        (DicomTags.StudyDate, "DA"), (DicomTags.StudyTime, "TM"), (DicomTags.ReferringPhysicianName, "PN"), (DicomTags.StudyId, "SH"),
        (DicomTags.AccessionNumber, "SH"),
    ];
    private static readonly DicomCode SegmentationDerivation = new("113076", "DCM", "Segmentation");

    /// <summary>A BINARY SEG: voxel value v in <paramref name="labels"/> belongs to the segment numbered v; values without a segment (0, background) belong to none.</summary>
    /// <exception cref="ArgumentException">The volume's size does not match the source, or a nonzero value has no segment.</exception>
    public static DicomDataset Binary(DicomSourceSeries source, int columns, int rows, int[] labels, IReadOnlyList<DicomSegment> segments, DicomSegSeries series)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(labels);
        var slices = CheckSize(source, columns, rows, labels.Length, 1);
        var numbers = segments.Select(s => s.Number).ToHashSet();
        if (labels.FirstOrDefault(v => v != 0 && !numbers.Contains(v)) is var stray && stray != 0)
            throw new ArgumentException($"the mask holds the value {stray}, for which no segment is described (described: {string.Join(", ", numbers.Order())})", nameof(labels));
        return Build(source, columns, rows, segments, series, DicomSegmentationType.Binary, (s, k) =>
        {
            var frame = new byte[rows * columns];
            var any = false;
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < columns; c++)
                    if (labels[((long)c * rows + r) * slices + k] == segments[s].Number)
                    {
                        frame[r * columns + c] = 1;
                        any = true;
                    }
            return any ? frame : null;
        });
    }

    /// <summary>A FRACTIONAL (probability) SEG: <paramref name="probabilities"/> holds, for each segment in order, a [columns, rows, slices] volume of values in 0–1, stored as 0–255.</summary>
    /// <exception cref="ArgumentException">The volumes' size does not match the source and segments.</exception>
    public static DicomDataset Fractional(DicomSourceSeries source, int columns, int rows, float[] probabilities, IReadOnlyList<DicomSegment> segments, DicomSegSeries series)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(probabilities);
        var slices = CheckSize(source, columns, rows, probabilities.Length, segments.Count);
        var volume = (long)columns * rows * slices;
        return Build(source, columns, rows, segments, series, DicomSegmentationType.Fractional, (s, k) =>
        {
            var frame = new byte[rows * columns];
            var any = false;
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < columns; c++)
                {
                    var p = probabilities[s * volume + ((long)c * rows + r) * slices + k];
                    var v = float.IsNaN(p) ? (byte)0 : (byte)Math.Clamp(Math.Round(p * 255.0), 0, 255);
                    frame[r * columns + c] = v;
                    any |= v != 0;
                }
            return any ? frame : null;
        });
    }

    private static int CheckSize(DicomSourceSeries source, int columns, int rows, long length, int channels)
    {
        var slices = source.Slices.Count;
        if (columns < 1 || rows < 1 || length != (long)channels * columns * rows * slices)
            throw new ArgumentException($"the volume holds {length} values; {channels} × {columns} columns × {rows} rows × {slices} source slices need {(long)channels * columns * rows * slices}");
        return slices;
    }

    // frameOf(segment index, slice k): the frame's pixel values row by row, or null when it is empty.
    private static DicomDataset Build(DicomSourceSeries source, int columns, int rows, IReadOnlyList<DicomSegment> segments, DicomSegSeries series,
        DicomSegmentationType type, Func<int, int, byte[]?> frameOf)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(series);
        if (segments.Count == 0) throw new ArgumentException("a SEG needs at least one segment", nameof(segments));
        if (segments.Select(s => s.Number).Distinct().Count() != segments.Count || segments.Any(s => s.Number is < 1 or > ushort.MaxValue))
            throw new ArgumentException("segment numbers must be distinct and in 1–65535", nameof(segments));

        var frames = new List<(int Segment, int Slice, byte[] Pixels)>();
        for (var s = 0; s < segments.Count; s++)
            for (var k = 0; k < source.Slices.Count; k++)
                if (frameOf(s, k) is { } pixels) frames.Add((s, k, pixels));
        if (frames.Count == 0) frames.Add((0, 0, new byte[rows * columns]));

        var now = DateTime.Now;
        var date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var time = now.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);
        var ds = new DicomDataset(littleEndian: true);
        // The patient and study modules' Type 2 attributes must be present, if empty, even where the source lacks them.
        foreach (var (tag, vr) in PatientAndStudyType2) ds.Set(tag, DicomElement.Text(vr));
        foreach (var (tag, element) in source.PatientAndStudy.Elements) ds.Set(tag, element);
        var binary = type == DicomSegmentationType.Binary;
        var organization = DicomUid.Create();
        ds.Set(new DicomTag(0x0008, 0x0008), DicomElement.Text("CS", "DERIVED", "PRIMARY"))
            .Set(new DicomTag(0x0008, 0x0012), DicomElement.Text("DA", date))
            .Set(new DicomTag(0x0008, 0x0013), DicomElement.Text("TM", time))
            .Set(DicomTags.SopClassUid, DicomElement.Text("UI", DicomUid.SegmentationStorage))
            .Set(DicomTags.SopInstanceUid, DicomElement.Text("UI", DicomUid.Create()))
            .Set(new DicomTag(0x0008, 0x0021), DicomElement.Text("DA", date))
            .Set(new DicomTag(0x0008, 0x0023), DicomElement.Text("DA", date))
            .Set(new DicomTag(0x0008, 0x0031), DicomElement.Text("TM", time))
            .Set(new DicomTag(0x0008, 0x0033), DicomElement.Text("TM", time))
            .Set(DicomTags.Modality, DicomElement.Text("CS", "SEG"))
            .Set(new DicomTag(0x0008, 0x0070), DicomElement.Text("LO", "mmar"))
            .Set(DicomTags.ReferencedSeriesSequence, DicomElement.Sequence(new DicomDataset(true)
                .Set(DicomTags.ReferencedInstanceSequence, DicomElement.Sequence([.. source.Slices.DistinctBy(i => i.SopInstanceUid).Select(i => new DicomDataset(true)
                    .Set(DicomTags.ReferencedSopClassUid, DicomElement.Text("UI", i.SopClassUid))
                    .Set(DicomTags.ReferencedSopInstanceUid, DicomElement.Text("UI", i.SopInstanceUid)))]))
                .Set(DicomTags.SeriesInstanceUid, DicomElement.Text("UI", source.SeriesInstanceUid))))
            .Set(DicomTags.SeriesDescription, DicomElement.Text("LO", series.Description))
            .Set(new DicomTag(0x0008, 0x1090), DicomElement.Text("LO", series.AlgorithmName))
            .Set(new DicomTag(0x0018, 0x1000), DicomElement.Text("LO", "0"))
            .Set(new DicomTag(0x0018, 0x1020), DicomElement.Text("LO", series.AlgorithmVersion))
            .Set(DicomTags.SeriesInstanceUid, DicomElement.Text("UI", DicomUid.Create()))
            .Set(DicomTags.SeriesNumber, DicomElement.Integer(series.SeriesNumber))
            .Set(DicomTags.InstanceNumber, DicomElement.Integer(1))
            .Set(new DicomTag(0x0020, 0x1040), DicomElement.Text("LO"))
            .Set(new DicomTag(0x0020, 0x9221), DicomElement.Sequence(new DicomDataset(true).Set(DicomTags.DimensionOrganizationUid, DicomElement.Text("UI", organization))))
            .Set(new DicomTag(0x0020, 0x9222), DicomElement.Sequence(
                DimensionIndex(organization, DicomTags.ReferencedSegmentNumber, DicomTags.SegmentIdentificationSequence, "ReferencedSegmentNumber"),
                DimensionIndex(organization, DicomTags.ImagePositionPatient, DicomTags.PlanePositionSequence, "ImagePositionPatient")))
            .Set(DicomTags.SamplesPerPixel, DicomElement.UInt16(1))
            .Set(DicomTags.PhotometricInterpretation, DicomElement.Text("CS", "MONOCHROME2"))
            .Set(DicomTags.NumberOfFrames, DicomElement.Integer(frames.Count))
            .Set(DicomTags.Rows, DicomElement.UInt16((ushort)rows))
            .Set(DicomTags.Columns, DicomElement.UInt16((ushort)columns))
            .Set(DicomTags.BitsAllocated, DicomElement.UInt16(binary ? (ushort)1 : (ushort)8))
            .Set(DicomTags.BitsStored, DicomElement.UInt16(binary ? (ushort)1 : (ushort)8))
            .Set(new DicomTag(0x0028, 0x0102), DicomElement.UInt16(binary ? (ushort)0 : (ushort)7))
            .Set(DicomTags.PixelRepresentation, DicomElement.UInt16(0))
            .Set(new DicomTag(0x0028, 0x2110), DicomElement.Text("CS", "00"))
            .Set(DicomTags.SegmentationType, DicomElement.Text("CS", binary ? "BINARY" : "FRACTIONAL"))
            .Set(DicomTags.SegmentSequence, DicomElement.Sequence([.. segments.Select(s => Segment(s, series))]))
            .Set(new DicomTag(0x0070, 0x0080), DicomElement.Text("CS", series.ContentLabel))
            .Set(new DicomTag(0x0070, 0x0081), DicomElement.Text("LO", series.Description))
            .Set(new DicomTag(0x0070, 0x0084), DicomElement.Text("PN"))
            .Set(DicomTags.SharedFunctionalGroupsSequence, DicomElement.Sequence(new DicomDataset(true)
                .Set(DicomTags.PlaneOrientationSequence, DicomElement.Sequence(new DicomDataset(true)
                    .Set(DicomTags.ImageOrientationPatient, DicomElement.Decimals(source.Orientation))))
                .Set(DicomTags.PixelMeasuresSequence, DicomElement.Sequence(new DicomDataset(true)
                    .Set(DicomTags.SliceThickness, DicomElement.Decimals(source.SliceThickness))
                    .Set(DicomTags.SpacingBetweenSlices, DicomElement.Decimals(source.SliceSpacing))
                    .Set(DicomTags.PixelSpacing, DicomElement.Decimals(source.PixelSpacing.Row, source.PixelSpacing.Column))))))
            .Set(DicomTags.PerFrameFunctionalGroupsSequence, DicomElement.Sequence([.. frames.Select(f => FrameGroups(source.Slices[f.Slice], segments[f.Segment].Number, f.Slice))]))
            .Set(DicomTags.PixelData, new DicomElement("OB", binary ? PackBits(frames.Select(f => f.Pixels), rows * columns) : [.. frames.SelectMany(f => f.Pixels)]));
        if (source.FrameOfReferenceUid is { } frameOfReference) ds.Set(DicomTags.FrameOfReferenceUid, DicomElement.Text("UI", frameOfReference));
        if (!binary)
        {
            ds.Set(new DicomTag(0x0062, 0x0010), DicomElement.Text("CS", "PROBABILITY"));
            ds.Set(DicomTags.MaximumFractionalValue, DicomElement.UInt16(255));
        }
        return ds;
    }

    private static DicomDataset Segment(DicomSegment segment, DicomSegSeries series) => new DicomDataset(true)
        .Set(new DicomTag(0x0062, 0x0003), DicomElement.Sequence(segment.Category.ToItem()))
        .Set(DicomTags.SegmentNumber, DicomElement.UInt16((ushort)segment.Number))
        .Set(DicomTags.SegmentLabel, DicomElement.Text("LO", segment.Label))
        .Set(new DicomTag(0x0062, 0x0008), DicomElement.Text("CS", "AUTOMATIC"))
        .Set(new DicomTag(0x0062, 0x0009), DicomElement.Text("LO", series.AlgorithmName))
        .Set(new DicomTag(0x0062, 0x000F), DicomElement.Sequence(segment.Type.ToItem()));

    private static DicomDataset DimensionIndex(string organization, DicomTag pointer, DicomTag group, string label) => new DicomDataset(true)
        .Set(DicomTags.DimensionOrganizationUid, DicomElement.Text("UI", organization))
        .Set(new DicomTag(0x0020, 0x9165), DicomElement.Tags(pointer))
        .Set(new DicomTag(0x0020, 0x9167), DicomElement.Tags(group))
        .Set(new DicomTag(0x0020, 0x9421), DicomElement.Text("LO", label));

    private static DicomDataset FrameGroups(DicomSourceImage image, int segment, int slice)
    {
        var sourceImage = new DicomDataset(true)
            .Set(DicomTags.ReferencedSopClassUid, DicomElement.Text("UI", image.SopClassUid))
            .Set(DicomTags.ReferencedSopInstanceUid, DicomElement.Text("UI", image.SopInstanceUid))
            .Set(new DicomTag(0x0040, 0xA170), DicomElement.Sequence(SourceImagePurpose.ToItem()));
        if (image.FrameNumber is { } frame) sourceImage.Set(new DicomTag(0x0008, 0x1160), DicomElement.Integer(frame));
        return new DicomDataset(true)
            .Set(new DicomTag(0x0008, 0x9124), DicomElement.Sequence(new DicomDataset(true)
                .Set(new DicomTag(0x0008, 0x2112), DicomElement.Sequence(sourceImage))
                .Set(new DicomTag(0x0008, 0x9215), DicomElement.Sequence(SegmentationDerivation.ToItem()))))
            .Set(new DicomTag(0x0020, 0x9111), DicomElement.Sequence(new DicomDataset(true)
                .Set(new DicomTag(0x0020, 0x9157), DicomElement.UInt32((uint)segment, (uint)(slice + 1)))))
            .Set(DicomTags.PlanePositionSequence, DicomElement.Sequence(new DicomDataset(true)
                .Set(DicomTags.ImagePositionPatient, DicomElement.Decimals(image.Position))))
            .Set(DicomTags.SegmentIdentificationSequence, DicomElement.Sequence(new DicomDataset(true)
                .Set(DicomTags.ReferencedSegmentNumber, DicomElement.UInt16((ushort)segment))));
    }

    // One bit per pixel, frames back to back without padding, least significant bit first (PS3.5 8.1.1); the whole padded to even length.
    private static byte[] PackBits(IEnumerable<byte[]> frames, int pixelsPerFrame)
    {
        var list = frames.ToList();
        var bits = (long)list.Count * pixelsPerFrame;
        var packed = new byte[(bits + 15) / 16 * 2];
        long bit = 0;
        foreach (var frame in list)
            foreach (var value in frame)
            {
                if (value != 0) packed[bit >> 3] |= (byte)(1 << (int)(bit & 7));
                bit++;
            }
        return packed;
    }
}
