using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Native;

/// <summary>Marks named version requirements (<c>.gnu.version_r</c> entries) of an ELF64 shared library as weak.</summary>
/// <remarks>
/// A weak version requirement (<c>VER_FLG_WEAK</c>) lets the dynamic loader accept a provider library that lacks
/// that version; only symbols bound to the version would then fail to resolve. This is safe for a version whose
/// symbols are never relocated, which is the case for <c>GLIBCXX_3.4.32</c> in libLibTorchSharp 0.107.
/// </remarks>
public static class ElfVersionNeedPatcher
{
    private const ushort VerFlagWeak = 0x2;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Returns the version names the library requires, per needed file (e.g. libstdc++.so.6 → GLIBCXX_3.4.32).</summary>
    public static IReadOnlyList<(string File, string Version, bool Weak)> ReadRequirements(byte[] elf)
    {
        var result = new List<(string, string, bool)>();
        Walk(elf, (file, version, flagsOffset) =>
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(flagsOffset));
            result.Add((file, version, (flags & VerFlagWeak) != 0));
        });
        return result;
    }

    /// <summary>Sets the weak flag on every requirement whose version name is in <paramref name="versions"/>; returns how many entries changed.</summary>
    public static int Weaken(byte[] elf, IReadOnlySet<string> versions)
    {
        var changed = 0;
        Walk(elf, (_, version, flagsOffset) =>
        {
            if (!versions.Contains(version)) return;
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(flagsOffset));
            if ((flags & VerFlagWeak) != 0) return;
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(flagsOffset), (ushort)(flags | VerFlagWeak));
            changed++;
        });
        return changed;
    }

    private static void Walk(byte[] elf, Action<string, string, int> visit)
    {
        var span = elf.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (span[4] != 2 || span[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 libraries are supported");

        var shoff = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]));
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        for (var i = 0; i < shnum; i++)
        {
            var sh = span.Slice(shoff + i * shentsize, shentsize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed) continue;
            var offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]));
            var link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x2C..]); // sh_info = number of Verneed entries
            var strSection = span.Slice(shoff + link * shentsize, shentsize);
            var strOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(strSection[0x18..]));

            var need = offset;
            for (var n = 0; n < count; n++)
            {
                var auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                var file = ReadString(span, strOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 4)..]));
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadString(span, strOffset + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]));
                    visit(file, name, aux + 4);
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }
                var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0) break;
                need += next;
            }
        }
    }

    private static string ReadString(ReadOnlySpan<byte> span, int offset)
    {
        var end = span[offset..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(span.Slice(offset, end));
    }
}
