using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Pipeline.Tests.Nifti;

/// <summary>Builds gzip members by hand, including the optional header fields (name, comment, extra, header CRC) GZipStream never writes.</summary>
internal static class GzipMember
{
    /// <summary>The optional fields of a member header (the FLG bits of RFC 1952).</summary>
    [Flags]
    public enum Fields : byte
    {
        None = 0,
        HeaderCrc = 0x02,
        Extra = 0x04,
        Name = 0x08,
        Comment = 0x10,
    }

    /// <summary>One complete member holding <paramref name="data"/>.</summary>
    public static byte[] Of(ReadOnlySpan<byte> data, Fields fields = Fields.None, CompressionLevel level = CompressionLevel.Fastest)
    {
        var member = new MemoryStream();
        member.Write([0x1f, 0x8b, 8, (byte)fields, 0x12, 0x34, 0x56, 0x78, 0, 3]);
        if (fields.HasFlag(Fields.Extra)) member.Write([6, 0, (byte)'M', (byte)'M', 2, 0, 0xfe, 0xff]);
        if (fields.HasFlag(Fields.Name)) member.Write("image.nii\0"u8);
        if (fields.HasFlag(Fields.Comment)) member.Write("written by hand\0"u8);
        if (fields.HasFlag(Fields.HeaderCrc))
        {
            Span<byte> crc16 = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(crc16, (ushort)Crc32.HashToUInt32(member.ToArray()));
            member.Write(crc16);
        }
        if (data.IsEmpty)
        {
            // DeflateStream writes nothing at all for no data; zlib writes one empty final block.
            member.Write([0x03, 0x00]);
        }
        else
        {
            using var deflate = new DeflateStream(member, level, leaveOpen: true);
            deflate.Write(data);
        }
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.HashToUInt32(data));
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)data.Length);
        member.Write(trailer);
        return member.ToArray();
    }

    /// <summary><paramref name="data"/> split at <paramref name="cuts"/> (offsets into the data), one member per piece.</summary>
    public static byte[] Split(byte[] data, params int[] cuts)
    {
        var bounds = cuts.Prepend(0).Append(data.Length).ToArray();
        return bounds.Zip(bounds.Skip(1)).SelectMany(b => Of(data.AsSpan(b.First, b.Second - b.First))).ToArray();
    }
}
