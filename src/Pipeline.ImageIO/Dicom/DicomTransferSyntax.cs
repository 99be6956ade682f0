namespace Pipeline.ImageIO.Dicom;

/// <summary>How a transfer syntax stores pixel data.</summary>
public enum PixelEncoding
{
    /// <summary>Uncompressed, in the dataset's byte order.</summary>
    Native,

    /// <summary>DICOM RLE Lossless, one fragment per frame.</summary>
    Rle,

    /// <summary>JPEG Lossless, process 14 (any predictor, or selection value 1), Huffman-coded.</summary>
    JpegLossless,

    /// <summary>Compressed with a codec this reader does not decode.</summary>
    Unsupported,
}

/// <summary>A transfer syntax: how the dataset after the file meta information is encoded.</summary>
/// <param name="Uid">Its UID.</param>
/// <param name="Name">Its name in the standard.</param>
/// <param name="ExplicitVr">Elements carry their value representation.</param>
/// <param name="LittleEndian">Little-endian byte order.</param>
/// <param name="Deflated">The dataset is a raw deflate stream.</param>
/// <param name="Pixels">How pixel data are stored.</param>
public sealed record DicomTransferSyntax(string Uid, string Name, bool ExplicitVr, bool LittleEndian, bool Deflated, PixelEncoding Pixels)
{
    /// <summary>Implicit VR Little Endian, the default.</summary>
    public static readonly DicomTransferSyntax ImplicitLittle = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, true, false, PixelEncoding.Native);

    /// <summary>Explicit VR Little Endian.</summary>
    public static readonly DicomTransferSyntax ExplicitLittle = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, true, false, PixelEncoding.Native);

    /// <summary>Explicit VR Big Endian (retired, still found).</summary>
    public static readonly DicomTransferSyntax ExplicitBig = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, false, false, PixelEncoding.Native);

    private static readonly DicomTransferSyntax[] Known =
    [
        ImplicitLittle, ExplicitLittle, ExplicitBig,
        new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, true, true, PixelEncoding.Native),
        new("1.2.840.10008.1.2.5", "RLE Lossless", true, true, false, PixelEncoding.Rle),
        new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, true, false, PixelEncoding.Unsupported),
        new("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, true, false, PixelEncoding.Unsupported),
        new("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, true, false, PixelEncoding.JpegLossless),
        new("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", true, true, false, PixelEncoding.JpegLossless),
        new("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", true, true, false, PixelEncoding.Unsupported),
        new("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", true, true, false, PixelEncoding.Unsupported),
        new("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", true, true, false, PixelEncoding.Unsupported),
        new("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", true, true, false, PixelEncoding.Unsupported),
        new("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", true, true, false, PixelEncoding.Unsupported),
    ];

    /// <summary>The syntax of <paramref name="uid"/>; an unknown one is treated as encapsulated explicit VR little endian with an unknown codec.</summary>
    public static DicomTransferSyntax Of(string uid) =>
        Known.FirstOrDefault(s => s.Uid == uid) ?? new DicomTransferSyntax(uid, "an unknown transfer syntax", true, true, false, PixelEncoding.Unsupported);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Uid})";
}
