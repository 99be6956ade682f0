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
    /// <summary>(7FE0,0010) Pixel Data.</summary>
    public static readonly DicomTag PixelData = new(0x7FE0, 0x0010);
    /// <summary>(FFFE,E000) Item.</summary>
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    /// <summary>(FFFE,E00D) Item Delimitation Item.</summary>
    public static readonly DicomTag ItemDelimitation = new(0xFFFE, 0xE00D);
    /// <summary>(FFFE,E0DD) Sequence Delimitation Item.</summary>
    public static readonly DicomTag SequenceDelimitation = new(0xFFFE, 0xE0DD);
}
