using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Pipeline.ImageIO.Dicom;

/// <summary>One element: its value representation and raw value, its items for a sequence, or its fragments for encapsulated pixel data.</summary>
/// <param name="Vr">The value representation (explicit, or "UN"/"SQ" where an implicit file leaves it to the dictionary).</param>
/// <param name="Value">The raw value bytes in the dataset's byte order; empty for sequences and encapsulated pixel data.</param>
/// <param name="Items">The items of a sequence.</param>
/// <param name="Fragments">The fragments of encapsulated pixel data, the basic offset table first.</param>
public sealed record DicomElement(string Vr, byte[] Value, IReadOnlyList<DicomDataset>? Items = null, IReadOnlyList<byte[]>? Fragments = null)
{
    /// <summary>A text element (AE, AS, CS, DA, DS, IS, LO, PN, SH, TM, UI, …); several values are joined with a backslash.</summary>
    public static DicomElement Text(string vr, params string[] values) => new(vr, Encoding.ASCII.GetBytes(string.Join('\\', values)));

    /// <summary>A decimal string (DS) of <paramref name="values"/>, each in at most 16 characters as the standard allows.</summary>
    public static DicomElement Decimals(params double[] values) => Text("DS", [.. values.Select(FormatDecimal)]);

    /// <summary>An integer string (IS).</summary>
    public static DicomElement Integer(long value) => Text("IS", value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Unsigned 16-bit values (US), little endian.</summary>
    public static DicomElement UInt16(params ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        return new DicomElement("US", bytes);
    }

    /// <summary>Unsigned 32-bit values (UL), little endian.</summary>
    public static DicomElement UInt32(params uint[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        return new DicomElement("UL", bytes);
    }

    /// <summary>Attribute tags (AT), little endian.</summary>
    public static DicomElement Tags(params DicomTag[] tags)
    {
        var bytes = new byte[4 * tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4 * i), tags[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4 * i + 2), tags[i].Element);
        }
        return new DicomElement("AT", bytes);
    }

    /// <summary>A sequence of <paramref name="items"/>.</summary>
    public static DicomElement Sequence(params DicomDataset[] items) => new("SQ", [], Items: items);

    // The shortest round-trip form that fits DS's 16 characters.
    private static string FormatDecimal(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "a decimal string holds finite numbers only");
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        for (var digits = 15; text.Length > 16 && digits > 0; digits--)
            text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return text;
    }
}
