using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Workflows.Handlers;

/// <summary>
/// Protobuf encoding of the two TensorFlow <c>Event</c> messages an event file needs: the <c>file_version</c> header and
/// a <c>Summary</c> of scalar <c>simple_value</c>s.
/// </summary>
/// <remarks>
/// Encoded by hand rather than with Google.Protobuf: three tiny messages do not justify generated code or a runtime
/// dependency. Field numbers are those of tensorflow/core/util/event.proto and summary.proto
/// (Event: wall_time 1 double, step 2 int64, file_version 3 string, summary 5; Summary: value 1;
/// Summary.Value: tag 1 string, simple_value 2 float). As proto3 serialisers do, zero <c>wall_time</c> and <c>step</c>
/// are left out, while <c>simple_value</c> (a oneof member) is always written, in field-number order.
/// </remarks>
public static class SummaryEventEncoding
{
    /// <summary>The version string TensorBoard expects in the first record.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The header event: <c>{wall_time, file_version: "brain.Event:2"}</c>.</summary>
    public static byte[] FileVersionEvent(double wallTime)
    {
        var buffer = new List<byte>();
        WriteEventHead(buffer, wallTime, 0);
        WriteBytes(buffer, 3, Encoding.UTF8.GetBytes(FileVersion));
        return buffer.ToArray();
    }

    /// <summary>An event holding one scalar per (tag, value) at <paramref name="step"/>.</summary>
    public static byte[] ScalarsEvent(double wallTime, long step, IEnumerable<KeyValuePair<string, float>> scalars)
    {
        var summary = new List<byte>();
        Span<byte> bits = stackalloc byte[4];
        foreach (var (tag, value) in scalars)
        {
            var entry = new List<byte>();
            WriteBytes(entry, 1, Encoding.UTF8.GetBytes(tag));
            WriteTag(entry, 2, 5);
            BinaryPrimitives.WriteSingleLittleEndian(bits, value);
            entry.AddRange(bits);
            WriteBytes(summary, 1, entry.ToArray());
        }
        var buffer = new List<byte>();
        WriteEventHead(buffer, wallTime, step);
        WriteBytes(buffer, 5, summary.ToArray());
        return buffer.ToArray();
    }

    private static void WriteEventHead(List<byte> buffer, double wallTime, long step)
    {
        if (BitConverter.DoubleToInt64Bits(wallTime) != 0)
        {
            WriteTag(buffer, 1, 1);
            Span<byte> bits = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(bits, wallTime);
            buffer.AddRange(bits);
        }
        if (step != 0)
        {
            WriteTag(buffer, 2, 0);
            WriteVarint(buffer, unchecked((ulong)step));
        }
    }

    private static void WriteBytes(List<byte> buffer, int field, byte[] bytes)
    {
        WriteTag(buffer, field, 2);
        WriteVarint(buffer, (ulong)bytes.Length);
        buffer.AddRange(bytes);
    }

    private static void WriteTag(List<byte> buffer, int field, int wireType) => WriteVarint(buffer, (ulong)((field << 3) | wireType));

    private static void WriteVarint(List<byte> buffer, ulong value)
    {
        while (value >= 0x80)
        {
            buffer.Add((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.Add((byte)value);
    }
}
