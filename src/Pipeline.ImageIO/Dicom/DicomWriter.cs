using System.Buffers.Binary;
using System.Text;
using Pipeline.IO;

namespace Pipeline.ImageIO.Dicom;

/// <summary>Writes a dataset as a DICOM Part 10 file in explicit VR little endian, sequences and items with defined lengths.</summary>
public static class DicomWriter
{
    // VRs whose explicit form has two reserved bytes and a 32-bit length.
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"];

    /// <summary>Writes <paramref name="dataset"/> to <paramref name="path"/> inside <paramref name="folder"/>, atomically; the file meta information names its SOP class and instance.</summary>
    /// <returns>The full path written.</returns>
    /// <exception cref="OutputPathException">The path lies outside the folder.</exception>
    public static string Write(DicomDataset dataset, OutputFolder folder, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(folder);
        return folder.Write(path, stream => Write(dataset, stream));
    }

    /// <summary>Writes <paramref name="dataset"/> to <paramref name="stream"/> as a Part 10 file.</summary>
    /// <exception cref="ArgumentException">The dataset has no SOP Class UID or SOP Instance UID.</exception>
    public static void Write(DicomDataset dataset, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(stream);
        var sopClass = dataset.GetString(DicomTags.SopClassUid) ?? throw new ArgumentException("the dataset has no SOP Class UID", nameof(dataset));
        var sopInstance = dataset.GetString(DicomTags.SopInstanceUid) ?? throw new ArgumentException("the dataset has no SOP Instance UID", nameof(dataset));
        var meta = new DicomDataset(littleEndian: true)
            .Set(new DicomTag(0x0002, 0x0001), new DicomElement("OB", [0, 1]))
            .Set(new DicomTag(0x0002, 0x0002), DicomElement.Text("UI", sopClass))
            .Set(new DicomTag(0x0002, 0x0003), DicomElement.Text("UI", sopInstance))
            .Set(DicomTags.TransferSyntaxUid, DicomElement.Text("UI", DicomTransferSyntax.ExplicitLittle.Uid))
            .Set(new DicomTag(0x0002, 0x0012), DicomElement.Text("UI", DicomUid.ImplementationClass))
            .Set(new DicomTag(0x0002, 0x0013), DicomElement.Text("SH", "MMAR_" + typeof(DicomWriter).Assembly.GetName().Version?.ToString(3)));
        var metaBytes = Encode(meta);
        var writer = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true);
        writer.Write(new byte[128]);
        writer.Write("DICM"u8);
        WriteElement(writer, new DicomTag(0x0002, 0x0000), DicomElement.UInt32((uint)metaBytes.Length));
        writer.Write(metaBytes);
        foreach (var (tag, element) in dataset.Elements)
            if (tag.Group != 0x0002) WriteElement(writer, tag, element);
        writer.Flush();
    }

    private static byte[] Encode(DicomDataset dataset)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.ASCII, leaveOpen: true))
            foreach (var (tag, element) in dataset.Elements) WriteElement(writer, tag, element);
        return buffer.ToArray();
    }

    private static void WriteElement(BinaryWriter writer, DicomTag tag, DicomElement element)
    {
        if (element.Vr.Length != 2) throw new ArgumentException($"element {tag} has the value representation '{element.Vr}'", nameof(element));
        if (element.Fragments is not null) throw new ArgumentException($"element {tag} holds encapsulated fragments, which this writer does not write", nameof(element));
        byte[] value;
        if (element.Items is { } items)
        {
            using var buffer = new MemoryStream();
            using (var body = new BinaryWriter(buffer, Encoding.ASCII, leaveOpen: true))
                foreach (var item in items)
                {
                    var encoded = Encode(item);
                    WriteTag(body, DicomTags.Item);
                    body.Write((uint)encoded.Length);
                    body.Write(encoded);
                }
            value = buffer.ToArray();
        }
        else value = Padded(element);
        WriteTag(writer, tag);
        writer.Write(Encoding.ASCII.GetBytes(element.Items is null ? element.Vr : "SQ"));
        if (LongVrs.Contains(element.Vr) || element.Items is not null)
        {
            writer.Write((ushort)0);
            writer.Write((uint)value.Length);
        }
        else
        {
            if (value.Length > ushort.MaxValue) throw new ArgumentException($"element {tag} ({element.Vr}) holds {value.Length} bytes, more than its VR's 16-bit length allows", nameof(element));
            writer.Write((ushort)value.Length);
        }
        writer.Write(value);
    }

    // Values have even length: UI and binary VRs pad with NUL, text with a space.
    private static byte[] Padded(DicomElement element)
    {
        if (element.Value.Length % 2 == 0) return element.Value;
        var padded = new byte[element.Value.Length + 1];
        element.Value.CopyTo(padded, 0);
        padded[^1] = element.Vr is "UI" or "OB" or "UN" ? (byte)0 : (byte)' ';
        return padded;
    }

    private static void WriteTag(BinaryWriter writer, DicomTag tag)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[2..], tag.Element);
        writer.Write(bytes);
    }
}
