using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Tests.Workflows.Handlers;

/// <summary>
/// An independent reader of TensorBoard event files for tests: TFRecord framing checked with a table-driven CRC-32C
/// (not the product's hardware-instruction one), and a generic protobuf wire-format walk of Event/Summary.
/// </summary>
internal static class EventFileReader
{
    public sealed record Event(double WallTime, long Step, string? FileVersion, IReadOnlyList<KeyValuePair<string, float>> Scalars);

    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }

    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint Masked(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);

    /// <summary>The records' payloads; throws on a bad CRC or a torn record.</summary>
    public static List<byte[]> Records(byte[] file)
    {
        var records = new List<byte[]>();
        var pos = 0;
        while (pos < file.Length)
        {
            if (file.Length - pos < 12) throw new InvalidDataException($"torn header at {pos}");
            var header = file.AsSpan(pos, 8);
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header));
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 8, 4)) != Masked(Crc32C(header)))
                throw new InvalidDataException($"bad length CRC at {pos}");
            if (file.Length - pos < 16 + length) throw new InvalidDataException($"torn record at {pos}");
            var data = file.AsSpan(pos + 12, length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 12 + length, 4)) != Masked(Crc32C(data)))
                throw new InvalidDataException($"bad data CRC at {pos}");
            records.Add(data.ToArray());
            pos += 16 + length;
        }
        return records;
    }

    public static List<Event> Read(string path) => Records(ReadShared(path)).Select(Decode).ToList();

    /// <summary>The file's bytes, even while a writer still has it open.</summary>
    public static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static Event Decode(byte[] data)
    {
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var scalars = new List<KeyValuePair<string, float>>();
        foreach (var (field, wire, value, bytes) in Fields(data))
        {
            switch (field, wire)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)value); break;
                case (2, 0): step = (long)value; break;
                case (3, 2): version = Encoding.UTF8.GetString(bytes!); break;
                case (5, 2):
                    foreach (var (f, w, _, entry) in Fields(bytes!))
                    {
                        if (f != 1 || w != 2) throw new InvalidDataException($"unexpected Summary field {f}");
                        string? tag = null;
                        float? simple = null;
                        foreach (var (vf, vw, vv, vb) in Fields(entry!))
                        {
                            if (vf == 1 && vw == 2) tag = Encoding.UTF8.GetString(vb!);
                            else if (vf == 2 && vw == 5) simple = BitConverter.Int32BitsToSingle((int)vv);
                            else throw new InvalidDataException($"unexpected Summary.Value field {vf}");
                        }
                        scalars.Add(new(tag ?? throw new InvalidDataException("a value without tag"), simple ?? throw new InvalidDataException("a value without simple_value")));
                    }
                    break;
                default: throw new InvalidDataException($"unexpected Event field {field} (wire type {wire})");
            }
        }
        return new Event(wallTime, step, version, scalars);
    }

    private static IEnumerable<(int Field, int Wire, ulong Value, byte[]? Bytes)> Fields(byte[] data)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            var key = Varint(data, ref pos);
            var field = (int)(key >> 3);
            var wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(data, ref pos), null); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(pos, 8)), null); pos += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos, 4)), null); pos += 4; break;
                case 2:
                    var length = (int)Varint(data, ref pos);
                    yield return (field, wire, 0, data.AsSpan(pos, length).ToArray());
                    pos += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
