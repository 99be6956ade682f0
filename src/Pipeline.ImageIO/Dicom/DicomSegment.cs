namespace Pipeline.ImageIO.Dicom;

/// <summary>One segment of a DICOM SEG: its number, label and what it is (coded category and type).</summary>
/// <param name="Number">Segment Number, from 1 (the label value it is made from).</param>
/// <param name="Label">Segment Label, e.g. "Spleen".</param>
/// <param name="Category">Segmented Property Category, e.g. SCT 91723000 "Anatomical Structure".</param>
/// <param name="Type">Segmented Property Type, e.g. SCT 78961009 "Spleen".</param>
public sealed record DicomSegment(int Number, string Label, DicomCode Category, DicomCode Type);
