using System.Globalization;

namespace Pipeline.ImageIO.Dicom;

/// <summary>A DICOM attribute tag: (group, element).</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    /// <summary>The tag as one number, group in the high half, for ordering.</summary>
    public uint Value => ((uint)Group << 16) | Element;

    /// <inheritdoc />
    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Group:X4},{Element:X4})");
}

/// <summary>The tags the reader and writer use.</summary>
public static class DicomTags
{
    /// <summary>(0002,0010) Transfer Syntax UID.</summary>
    public static readonly DicomTag TransferSyntaxUid = new(0x0002, 0x0010);
    /// <summary>(0008,0016) SOP Class UID.</summary>
    public static readonly DicomTag SopClassUid = new(0x0008, 0x0016);
    /// <summary>(0008,0018) SOP Instance UID.</summary>
    public static readonly DicomTag SopInstanceUid = new(0x0008, 0x0018);
    /// <summary>(0008,0060) Modality.</summary>
    public static readonly DicomTag Modality = new(0x0008, 0x0060);
    /// <summary>(0008,103E) Series Description.</summary>
    public static readonly DicomTag SeriesDescription = new(0x0008, 0x103E);
    /// <summary>(0018,0050) Slice Thickness.</summary>
    public static readonly DicomTag SliceThickness = new(0x0018, 0x0050);
    /// <summary>(0020,000D) Study Instance UID.</summary>
    public static readonly DicomTag StudyInstanceUid = new(0x0020, 0x000D);
    /// <summary>(0020,000E) Series Instance UID.</summary>
    public static readonly DicomTag SeriesInstanceUid = new(0x0020, 0x000E);
    /// <summary>(0020,0011) Series Number.</summary>
    public static readonly DicomTag SeriesNumber = new(0x0020, 0x0011);
    /// <summary>(0020,0013) Instance Number.</summary>
    public static readonly DicomTag InstanceNumber = new(0x0020, 0x0013);
    /// <summary>(0020,0032) Image Position (Patient).</summary>
    public static readonly DicomTag ImagePositionPatient = new(0x0020, 0x0032);
    /// <summary>(0020,0037) Image Orientation (Patient).</summary>
    public static readonly DicomTag ImageOrientationPatient = new(0x0020, 0x0037);
    /// <summary>(0020,0052) Frame of Reference UID.</summary>
    public static readonly DicomTag FrameOfReferenceUid = new(0x0020, 0x0052);
    /// <summary>(0028,0002) Samples per Pixel.</summary>
    public static readonly DicomTag SamplesPerPixel = new(0x0028, 0x0002);
    /// <summary>(0028,0004) Photometric Interpretation.</summary>
    public static readonly DicomTag PhotometricInterpretation = new(0x0028, 0x0004);
    /// <summary>(0028,0008) Number of Frames.</summary>
    public static readonly DicomTag NumberOfFrames = new(0x0028, 0x0008);
    /// <summary>(0028,0010) Rows.</summary>
    public static readonly DicomTag Rows = new(0x0028, 0x0010);
    /// <summary>(0028,0011) Columns.</summary>
    public static readonly DicomTag Columns = new(0x0028, 0x0011);
    /// <summary>(0028,0030) Pixel Spacing (row spacing, column spacing).</summary>
    public static readonly DicomTag PixelSpacing = new(0x0028, 0x0030);
    /// <summary>(0028,0100) Bits Allocated.</summary>
    public static readonly DicomTag BitsAllocated = new(0x0028, 0x0100);
    /// <summary>(0028,0101) Bits Stored.</summary>
    public static readonly DicomTag BitsStored = new(0x0028, 0x0101);
    /// <summary>(0028,0103) Pixel Representation (0 unsigned, 1 signed).</summary>
    public static readonly DicomTag PixelRepresentation = new(0x0028, 0x0103);
    /// <summary>(0028,1052) Rescale Intercept.</summary>
    public static readonly DicomTag RescaleIntercept = new(0x0028, 0x1052);
    /// <summary>(0028,1053) Rescale Slope.</summary>
    public static readonly DicomTag RescaleSlope = new(0x0028, 0x1053);
    /// <summary>(0008,0020) Study Date.</summary>
    public static readonly DicomTag StudyDate = new(0x0008, 0x0020);
    /// <summary>(0008,0030) Study Time.</summary>
    public static readonly DicomTag StudyTime = new(0x0008, 0x0030);
    /// <summary>(0008,0050) Accession Number.</summary>
    public static readonly DicomTag AccessionNumber = new(0x0008, 0x0050);
    /// <summary>(0008,0090) Referring Physician's Name.</summary>
    public static readonly DicomTag ReferringPhysicianName = new(0x0008, 0x0090);
    /// <summary>(0008,1030) Study Description.</summary>
    public static readonly DicomTag StudyDescription = new(0x0008, 0x1030);
    /// <summary>(0010,0010) Patient's Name.</summary>
    public static readonly DicomTag PatientName = new(0x0010, 0x0010);
    /// <summary>(0010,0020) Patient ID.</summary>
    public static readonly DicomTag PatientId = new(0x0010, 0x0020);
    /// <summary>(0010,0030) Patient's Birth Date.</summary>
    public static readonly DicomTag PatientBirthDate = new(0x0010, 0x0030);
    /// <summary>(0010,0040) Patient's Sex.</summary>
    public static readonly DicomTag PatientSex = new(0x0010, 0x0040);
    /// <summary>(0020,0010) Study ID.</summary>
    public static readonly DicomTag StudyId = new(0x0020, 0x0010);
    /// <summary>(0018,0088) Spacing Between Slices.</summary>
    public static readonly DicomTag SpacingBetweenSlices = new(0x0018, 0x0088);
    /// <summary>(0020,9113) Plane Position Sequence (functional group).</summary>
    public static readonly DicomTag PlanePositionSequence = new(0x0020, 0x9113);
    /// <summary>(0020,9116) Plane Orientation Sequence (functional group).</summary>
    public static readonly DicomTag PlaneOrientationSequence = new(0x0020, 0x9116);
    /// <summary>(0028,9110) Pixel Measures Sequence (functional group).</summary>
    public static readonly DicomTag PixelMeasuresSequence = new(0x0028, 0x9110);
    /// <summary>(0028,9145) Pixel Value Transformation Sequence (functional group).</summary>
    public static readonly DicomTag PixelValueTransformationSequence = new(0x0028, 0x9145);
    /// <summary>(5200,9229) Shared Functional Groups Sequence.</summary>
    public static readonly DicomTag SharedFunctionalGroupsSequence = new(0x5200, 0x9229);
    /// <summary>(5200,9230) Per-Frame Functional Groups Sequence.</summary>
    public static readonly DicomTag PerFrameFunctionalGroupsSequence = new(0x5200, 0x9230);
    /// <summary>(0062,0002) Segment Sequence.</summary>
    public static readonly DicomTag SegmentSequence = new(0x0062, 0x0002);
    /// <summary>(0062,0004) Segment Number.</summary>
    public static readonly DicomTag SegmentNumber = new(0x0062, 0x0004);
    /// <summary>(0062,0005) Segment Label.</summary>
    public static readonly DicomTag SegmentLabel = new(0x0062, 0x0005);
    /// <summary>(0062,0001) Segmentation Type.</summary>
    public static readonly DicomTag SegmentationType = new(0x0062, 0x0001);
    /// <summary>(0062,000A) Segment Identification Sequence (functional group).</summary>
    public static readonly DicomTag SegmentIdentificationSequence = new(0x0062, 0x000A);
    /// <summary>(0062,000B) Referenced Segment Number.</summary>
    public static readonly DicomTag ReferencedSegmentNumber = new(0x0062, 0x000B);
    /// <summary>(0062,000E) Maximum Fractional Value.</summary>
    public static readonly DicomTag MaximumFractionalValue = new(0x0062, 0x000E);
    /// <summary>(0004,1220) Directory Record Sequence (DICOMDIR).</summary>
    public static readonly DicomTag DirectoryRecordSequence = new(0x0004, 0x1220);
    /// <summary>(0004,1430) Directory Record Type (DICOMDIR).</summary>
    public static readonly DicomTag DirectoryRecordType = new(0x0004, 0x1430);
    /// <summary>(0004,1500) Referenced File ID (DICOMDIR): the path's components.</summary>
    public static readonly DicomTag ReferencedFileId = new(0x0004, 0x1500);
    /// <summary>(0008,1115) Referenced Series Sequence.</summary>
    public static readonly DicomTag ReferencedSeriesSequence = new(0x0008, 0x1115);
    /// <summary>(0008,114A) Referenced Instance Sequence.</summary>
    public static readonly DicomTag ReferencedInstanceSequence = new(0x0008, 0x114A);
    /// <summary>(0008,1150) Referenced SOP Class UID.</summary>
    public static readonly DicomTag ReferencedSopClassUid = new(0x0008, 0x1150);
    /// <summary>(0008,1155) Referenced SOP Instance UID.</summary>
    public static readonly DicomTag ReferencedSopInstanceUid = new(0x0008, 0x1155);
    /// <summary>(0020,9164) Dimension Organization UID.</summary>
    public static readonly DicomTag DimensionOrganizationUid = new(0x0020, 0x9164);
    /// <summary>(0008,0005) Specific Character Set.</summary>
    public static readonly DicomTag SpecificCharacterSet = new(0x0008, 0x0005);
    /// <summary>(7FE0,0010) Pixel Data.</summary>
    public static readonly DicomTag PixelData = new(0x7FE0, 0x0010);
    /// <summary>(FFFE,E000) Item.</summary>
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    /// <summary>(FFFE,E00D) Item Delimitation Item.</summary>
    public static readonly DicomTag ItemDelimitation = new(0xFFFE, 0xE00D);
    /// <summary>(FFFE,E0DD) Sequence Delimitation Item.</summary>
    public static readonly DicomTag SequenceDelimitation = new(0xFFFE, 0xE0DD);
}
