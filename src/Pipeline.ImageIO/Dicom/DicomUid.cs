using System.Numerics;

namespace Pipeline.ImageIO.Dicom;

/// <summary>New DICOM UIDs, and the UIDs this product writes under.</summary>
public static class DicomUid
{
    /// <summary>The implementation class UID written in every file's meta information.</summary>
    public const string ImplementationClass = "2.25.71813951196572769809037115245818678136";

    /// <summary>Segmentation Storage.</summary>
    public const string SegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";

    /// <summary>A new globally unique UID: a random UUID under the 2.25 root, as PS3.5 B.2 allows without a registered root.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes);
        return "2.25." + new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
