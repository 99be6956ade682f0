namespace Pipeline.ImageIO.Dicom;

/// <summary>
/// What a derived object (a DICOM SEG) needs to refer back to the series a volume was read from: the patient and study
/// attributes to copy, the series' identities, and for every slice k of the volume the image it came from and where
/// that image lies.
/// </summary>
/// <param name="PatientAndStudy">The source's patient and study attributes, copied into derived objects as they are.</param>
/// <param name="StudyInstanceUid">The study.</param>
/// <param name="SeriesInstanceUid">The source series.</param>
/// <param name="FrameOfReferenceUid">The source's frame of reference; null when it has none.</param>
/// <param name="Orientation">ImageOrientationPatient of the slices (row then column direction cosines, LPS).</param>
/// <param name="PixelSpacing">PixelSpacing (between rows, between columns) in mm.</param>
/// <param name="SliceSpacing">The distance between slice centres along the normal, in mm.</param>
/// <param name="SliceThickness">The source's SliceThickness, or the slice spacing where it has none.</param>
/// <param name="Slices">Slice k of the volume: its source image and position.</param>
public sealed record DicomSourceSeries(DicomDataset PatientAndStudy, string StudyInstanceUid, string SeriesInstanceUid, string? FrameOfReferenceUid,
    double[] Orientation, (double Row, double Column) PixelSpacing, double SliceSpacing, double SliceThickness, IReadOnlyList<DicomSourceImage> Slices)
{
    /// <summary>The key under which loaders keep it in an image's <c>ImageProperties.Extra</c>.</summary>
    public const string PropertyKey = "dicom.source_series";
}

/// <summary>One source image (or frame) a volume slice came from.</summary>
/// <param name="SopClassUid">Its SOP class.</param>
/// <param name="SopInstanceUid">Its SOP instance.</param>
/// <param name="FrameNumber">Its frame number (from 1) in a multi-frame image; null for a single-frame image.</param>
/// <param name="Position">ImagePositionPatient of the slice in the volume (LPS, mm): the image's own, or where resampling put it.</param>
public sealed record DicomSourceImage(string SopClassUid, string SopInstanceUid, int? FrameNumber, double[] Position);
