using System.Buffers.Binary;
using System.Numerics;

namespace Pipeline.Workflows.Handlers;

/// <summary>TensorFlow's TFRecord framing, the container of TensorBoard event files: each record is its length, a masked CRC32C of the length, the data and a masked CRC32C of the data.</summary>
public static class TfRecordFraming
{
    /// <summary>CRC-32C (Castagnoli, reflected, init and final xor 0xFFFFFFFF) of <paramref name="data"/>.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>The CRC as TFRecord stores it: rotated right by 15 bits plus a constant, so that a CRC of data that itself holds CRCs stays well mixed.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
    }

    /// <summary>Writes <paramref name="data"/> as one framed record.</summary>
    public static void WriteRecord(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }
}
