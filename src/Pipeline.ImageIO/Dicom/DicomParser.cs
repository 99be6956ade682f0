using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Pipeline.ImageIO.Dicom;

/// <summary>What <see cref="DicomParser"/> read from one file.</summary>
/// <param name="Dataset">The dataset after the file meta information.</param>
/// <param name="Syntax">Its transfer syntax.</param>
/// <param name="HasMeta">The file has Part 10 file meta information (with or without the 128-byte preamble).</param>
/// <param name="PixelData">Where the native pixel data lie in the file, when the read stopped before them (a header read of an uncompressed, undeflated file).</param>
public sealed record DicomFile(DicomDataset Dataset, DicomTransferSyntax Syntax, bool HasMeta, DicomPixelDataLocation? PixelData = null);

/// <summary>Where a file's pixel data value lies, so a header read can be completed without parsing the file again.</summary>
/// <param name="Offset">The value's first byte in the file.</param>
/// <param name="Length">The value's length in bytes.</param>
/// <param name="Vr">The element's value representation.</param>
public readonly record struct DicomPixelDataLocation(long Offset, uint Length, string Vr);

/// <summary>
/// Reads DICOM files: Part 10 (preamble, "DICM", file meta) or bare datasets; implicit VR little endian, explicit VR
/// little and big endian, and deflated datasets; sequences and items of defined or undefined length; encapsulated pixel
/// data as fragments. Lengths are checked against what remains, nesting is bounded, and a damaged file is a
/// <see cref="DicomFormatException"/> naming it, never a crash or a hang.
/// </summary>
public static class DicomParser
{
    private const int MaxDepth = 16;
    private const uint Undefined = 0xFFFFFFFF;

    // VRs whose explicit form has two reserved bytes and a 32-bit length.
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"];

    // Implicit VR datasets carry no VR: the attributes this reader interprets, by tag.
    private static readonly Dictionary<DicomTag, string> ImplicitVrs = new()
    {
        [DicomTags.Rows] = "US", [DicomTags.Columns] = "US", [DicomTags.BitsAllocated] = "US", [DicomTags.BitsStored] = "US",
        [DicomTags.PixelRepresentation] = "US", [DicomTags.SamplesPerPixel] = "US", [DicomTags.NumberOfFrames] = "IS",
        [DicomTags.InstanceNumber] = "IS", [DicomTags.SeriesNumber] = "IS", [DicomTags.PixelData] = "OW",
        [new DicomTag(0x5200, 0x9229)] = "SQ", [new DicomTag(0x5200, 0x9230)] = "SQ", [new DicomTag(0x0020, 0x9113)] = "SQ",
        [new DicomTag(0x0020, 0x9116)] = "SQ", [new DicomTag(0x0028, 0x9110)] = "SQ", [new DicomTag(0x0028, 0x9145)] = "SQ",
        [new DicomTag(0x0008, 0x1115)] = "SQ", [new DicomTag(0x0008, 0x1140)] = "SQ", [new DicomTag(0x0062, 0x0002)] = "SQ",
    };

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="stopAtPixelData">Stop before the pixel data (enough to group and sort a series).</param>
    /// <exception cref="DicomFormatException">The file is not DICOM, or is damaged.</exception>
    public static DicomFile Read(string path, bool stopAtPixelData = false)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return Read(file, stopAtPixelData);
        }
        catch (EndOfStreamException)
        {
            throw new DicomFormatException(path, "the file ends inside an element (truncated)");
        }
        catch (InvalidDataException e)
        {
            throw new DicomFormatException(path, e.Message);
        }
    }

    /// <summary>
    /// The file a header read (<paramref name="header"/>, read with <c>stopAtPixelData</c>) came from, with its pixel
    /// data: read straight from where the header read found them when it could, by a full read otherwise.
    /// </summary>
    /// <exception cref="DicomFormatException">The file is damaged (or changed since the header read).</exception>
    public static DicomFile WithPixelData(string path, DicomFile header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.PixelData is not { } at) return Read(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        if (at.Offset + at.Length > file.Length)
            throw new DicomFormatException(path, $"element {DicomTags.PixelData} claims {at.Length} bytes, more than the {file.Length - at.Offset} left in the file");
        var value = new byte[at.Length];
        file.Position = at.Offset;
        file.ReadExactly(value);
        var dataset = header.Dataset.Copy();
        dataset.Set(DicomTags.PixelData, new DicomElement(at.Vr, value));
        return header with { Dataset = dataset, PixelData = null };
    }

    /// <summary>Whether the file at <paramref name="path"/> is taken for DICOM: it carries the Part 10 "DICM" marker (at byte 128, or at 0), or it is named .dcm (a bare dataset has no marker).</summary>
    public static bool LooksLikeDicom(string path)
    {
        if (path.EndsWith(".dcm", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> head = stackalloc byte[132];
            var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return (n >= 132 && head[128..132].SequenceEqual("DICM"u8)) || (n >= 4 && head[..4].SequenceEqual("DICM"u8));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static DicomFile Read(Stream file, bool stopAtPixelData)
    {
        var length = file.Length;
        Span<byte> head = stackalloc byte[132];
        var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        long start;
        if (n >= 132 && head[128..132].SequenceEqual("DICM"u8)) start = 132;
        else if (n >= 4 && head[..4].SequenceEqual("DICM"u8)) start = 4;
        else start = -1;

        DicomTransferSyntax syntax;
        var hasMeta = start >= 0;
        if (hasMeta)
        {
            file.Position = start;
            var meta = new DicomDataset(littleEndian: true);
            var metaReader = new ElementReader(file, length - start, littleEndian: true, explicitVr: true);
            while (!metaReader.AtEnd && metaReader.PeekGroup() == 0x0002) metaReader.ReadElement(meta, 0, stopAtPixelData: false);
            var uid = meta.GetString(DicomTags.TransferSyntaxUid)
                ?? throw new InvalidDataException("the file meta information has no Transfer Syntax UID (0002,0010)");
            syntax = DicomTransferSyntax.Of(uid);
            file.Position = start + metaReader.Consumed;
        }
        else
        {
            file.Position = 0;
            syntax = Guess(head[..Math.Min(n, 8)]) ?? throw new InvalidDataException("not a DICOM file (no \"DICM\" marker, and it does not start with a DICOM element)");
        }

        var body = syntax.Deflated ? new DeflateStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        try
        {
            var bodyStart = file.Position;
            var reader = new ElementReader(body, syntax.Deflated ? long.MaxValue : length - file.Position, syntax.LittleEndian, syntax.ExplicitVr);
            var dataset = new DicomDataset(syntax.LittleEndian);
            while (!reader.AtEnd)
                if (!reader.ReadElement(dataset, 0, stopAtPixelData)) break;
            var pixels = reader.StoppedAtPixelData is { } at && !syntax.Deflated && at.Length != Undefined
                ? new DicomPixelDataLocation(bodyStart + at.Offset, at.Length, at.Vr) : (DicomPixelDataLocation?)null;
            return new DicomFile(dataset, syntax, hasMeta, pixels);
        }
        finally
        {
            if (!ReferenceEquals(body, file)) body.Dispose();
        }
    }

    // A bare dataset: the first element's group must be small and its VR, if any, two capitals.
    private static DicomTransferSyntax? Guess(ReadOnlySpan<byte> head)
    {
        if (head.Length < 8) return null;
        var little = BinaryPrimitives.ReadUInt16LittleEndian(head);
        var big = BinaryPrimitives.ReadUInt16BigEndian(head);
        var explicitVr = head[4] is >= (byte)'A' and <= (byte)'Z' && head[5] is >= (byte)'A' and <= (byte)'Z';
        if (little is >= 0x0002 and <= 0x0100) return explicitVr ? DicomTransferSyntax.ExplicitLittle : DicomTransferSyntax.ImplicitLittle;
        if (big is >= 0x0002 and <= 0x0100 && explicitVr) return DicomTransferSyntax.ExplicitBig;
        return null;
    }

    /// <summary>Reads elements sequentially from a stream (seekable or not), with a few bytes of look-ahead put back.</summary>
    private sealed class ElementReader(Stream stream, long available, bool littleEndian, bool explicitVr)
    {
        private readonly byte[] _scratch = new byte[8];
        private readonly byte[] _back = new byte[8];
        private int _backCount;

        /// <summary>Where the pixel data value starts (relative to the reader's start), its length and VR, when the read stopped there.</summary>
        public (long Offset, uint Length, string Vr)? StoppedAtPixelData { get; private set; }

        /// <summary>Bytes the parser has taken so far.</summary>
        public long Consumed { get; private set; }

        private long Remaining => available == long.MaxValue ? long.MaxValue : available - Consumed;

        public bool AtEnd
        {
            get
            {
                if (_backCount > 0) return false;
                if (available != long.MaxValue) return Remaining <= 0;
                var b = stream.ReadByte();
                if (b < 0) return true;
                _back[0] = (byte)b;
                _backCount = 1;
                return false;
            }
        }

        public ushort PeekGroup()
        {
            Fill(_scratch.AsSpan(0, 2));
            Unread(_scratch.AsSpan(0, 2));
            return littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(_scratch) : BinaryPrimitives.ReadUInt16BigEndian(_scratch);
        }

        private void Fill(Span<byte> buffer)
        {
            var fromBack = Math.Min(_backCount, buffer.Length);
            _back.AsSpan(0, fromBack).CopyTo(buffer);
            _back.AsSpan(fromBack, _backCount - fromBack).CopyTo(_back);
            _backCount -= fromBack;
            if (fromBack < buffer.Length) stream.ReadExactly(buffer[fromBack..]);
            Consumed += buffer.Length;
        }

        private void Unread(ReadOnlySpan<byte> bytes)
        {
            _back.AsSpan(0, _backCount).CopyTo(_back.AsSpan(bytes.Length));
            bytes.CopyTo(_back);
            _backCount += bytes.Length;
            Consumed -= bytes.Length;
        }

        private ushort ReadUInt16()
        {
            Fill(_scratch.AsSpan(0, 2));
            return littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(_scratch) : BinaryPrimitives.ReadUInt16BigEndian(_scratch);
        }

        private uint ReadUInt32()
        {
            Fill(_scratch.AsSpan(0, 4));
            return littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(_scratch) : BinaryPrimitives.ReadUInt32BigEndian(_scratch);
        }

        private DicomTag ReadTag() => new(ReadUInt16(), ReadUInt16());

        private void CheckLength(uint count, DicomTag tag, string what)
        {
            if (count > Remaining) throw new InvalidDataException($"{what} {tag} claims {count} bytes, more than the {Remaining} left in the file");
            if (count > int.MaxValue) throw new InvalidDataException($"{what} {tag} claims {count} bytes, more than one element may hold");
        }

        private byte[] ReadValue(uint count, DicomTag tag)
        {
            CheckLength(count, tag, "element");
            // Read in steps, so a deflated stream that ends early fails before a huge buffer is filled.
            var value = new byte[count];
            for (var offset = 0; offset < value.Length; offset += 1 << 20)
                Fill(value.AsSpan(offset, Math.Min(1 << 20, value.Length - offset)));
            return value;
        }

        // Reads one element into dataset; false when it stopped at the top-level pixel data.
        public bool ReadElement(DicomDataset dataset, int depth, bool stopAtPixelData)
        {
            if (depth > MaxDepth) throw new InvalidDataException($"sequences are nested more than {MaxDepth} deep");
            var tag = ReadTag();
            if (tag.Group == 0xFFFE)
            {
                // A stray delimiter or item outside a sequence: its length is read and the element ignored.
                ReadUInt32();
                return true;
            }
            string vr;
            uint count;
            if (explicitVr)
            {
                Fill(_scratch.AsSpan(0, 2));
                vr = Encoding.ASCII.GetString(_scratch, 0, 2);
                if (!(vr[0] is >= 'A' and <= 'Z' && vr[1] is >= 'A' and <= 'Z'))
                    throw new InvalidDataException($"element {tag} has no valid value representation (found bytes {_scratch[0]:X2} {_scratch[1]:X2})");
                if (LongVrs.Contains(vr))
                {
                    Fill(_scratch.AsSpan(0, 2));
                    count = ReadUInt32();
                }
                else count = ReadUInt16();
            }
            else
            {
                vr = ImplicitVrs.GetValueOrDefault(tag, "UN");
                count = ReadUInt32();
            }

            if (tag == DicomTags.PixelData && depth == 0 && stopAtPixelData)
            {
                StoppedAtPixelData = (Consumed, count, vr);
                return false;
            }
            if (tag == DicomTags.PixelData && count == Undefined)
                dataset.Add(tag, new DicomElement(vr, [], Fragments: ReadFragments(tag)));
            else if (vr == "SQ" || (count == Undefined && vr == "UN"))
                dataset.Add(tag, new DicomElement("SQ", [], Items: ReadItems(tag, count, depth, stopAtPixelData)));
            else if (count == Undefined)
                throw new InvalidDataException($"element {tag} ({vr}) has an undefined length, which only sequences and pixel data may have");
            else dataset.Add(tag, new DicomElement(vr, ReadValue(count, tag)));
            return true;
        }

        private List<DicomDataset> ReadItems(DicomTag sequence, uint count, int depth, bool stopAtPixelData)
        {
            if (count != Undefined) CheckLength(count, sequence, "sequence");
            var items = new List<DicomDataset>();
            var end = count == Undefined ? long.MaxValue : Consumed + count;
            while (Consumed < end)
            {
                var tag = ReadTag();
                var itemLength = ReadUInt32();
                if (tag == DicomTags.SequenceDelimitation) break;
                if (tag != DicomTags.Item) throw new InvalidDataException($"sequence {sequence} holds {tag} where an item (FFFE,E000) belongs");
                if (itemLength != Undefined) CheckLength(itemLength, sequence, "an item of sequence");
                var item = new DicomDataset(littleEndian);
                var itemEnd = itemLength == Undefined ? long.MaxValue : Consumed + itemLength;
                while (Consumed < itemEnd && !(itemLength == Undefined && AtItemDelimiter())) ReadElement(item, depth + 1, stopAtPixelData);
                items.Add(item);
            }
            return items;
        }

        // Consumes an item delimiter when one comes next; otherwise leaves the stream where it was.
        private bool AtItemDelimiter()
        {
            Fill(_scratch.AsSpan(0, 4));
            var group = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(_scratch) : BinaryPrimitives.ReadUInt16BigEndian(_scratch);
            var element = littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(_scratch.AsSpan(2)) : BinaryPrimitives.ReadUInt16BigEndian(_scratch.AsSpan(2));
            if (new DicomTag(group, element) == DicomTags.ItemDelimitation)
            {
                ReadUInt32();
                return true;
            }
            Unread(_scratch.AsSpan(0, 4));
            return false;
        }

        private List<byte[]> ReadFragments(DicomTag tag)
        {
            var fragments = new List<byte[]>();
            while (true)
            {
                var item = ReadTag();
                var count = ReadUInt32();
                if (item == DicomTags.SequenceDelimitation) return fragments;
                if (item != DicomTags.Item) throw new InvalidDataException($"encapsulated pixel data hold {item} where a fragment item (FFFE,E000) belongs");
                if (count == Undefined) throw new InvalidDataException("a pixel data fragment has an undefined length");
                fragments.Add(ReadValue(count, tag));
            }
        }
    }
}
