namespace Pipeline.ImageIO.Dicom;

/// <summary>How a DICOM SEG stores its segments: Segmentation Type (0062,0001).</summary>
public enum DicomSegmentationType
{
    /// <summary>One bit per pixel: in the segment or not.</summary>
    Binary,

    /// <summary>One byte per pixel: the probability of the segment, 0–255 for 0–1.</summary>
    Fractional,
}
