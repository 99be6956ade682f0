using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.ImageIO.Nifti;

/// <summary>The uncompressed bytes of a gzip file, member after member as zlib and Python read them, with each member's CRC-32 and size checked.</summary>
/// <remarks>
/// .NET's GZipStream reads concatenated members too, but it returns short data without complaint when a file is cut,
/// and it cannot tell where the last member ended, so bytes after it go unnoticed. This class parses the member
/// framing itself and inflates each member's deflate data with <see cref="DeflateStream"/>. Bytes after the last
/// member that do not start a new one end the stream and are counted in <see cref="TrailingBytes"/>.
/// </remarks>
internal sealed class GzipMemberStream : ForwardOnlyStream
{
    /// <summary>Input handed to the inflater per read; the end of a member's deflate data lies in the last two such chunks.</summary>
    private const int InputChunk = 8192;

    private const byte FlagHeaderCrc = 0x02, FlagExtra = 0x04, FlagName = 0x08, FlagComment = 0x10;

    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly long _length;
    private readonly Crc32 _crc = new();
    private readonly byte[] _window = new byte[2 * InputChunk + 8];
    private MemberInput? _input;
    private DeflateStream? _inflater;
    private long _memberOutput;
    private long _nextMember;
    private bool _ended;

    /// <summary>Reads the gzip file open as <paramref name="file"/> (<paramref name="length"/> bytes); <paramref name="path"/> names it in errors.</summary>
    public GzipMemberStream(SafeFileHandle file, long length, string path)
    {
        _file = file;
        _length = length;
        _path = path;
    }

    /// <summary>How many members have been started (a member counts once its magic bytes were seen).</summary>
    public int MembersStarted { get; private set; }

    /// <summary>Compressed offset of the member being read, or of the last one when the stream has ended.</summary>
    public long MemberStart { get; private set; }

    /// <summary>Bytes after the end of the last member that do not start another one; known once the stream has ended.</summary>
    public long TrailingBytes { get; private set; }

    /// <summary>True when all of <see cref="TrailingBytes"/> are zero (padding, as some tools write).</summary>
    public bool TrailingBytesAreZero { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (!_ended)
        {
            if (_inflater is null && !StartMember())
            {
                _ended = true;
                break;
            }
            int n;
            try
            {
                n = _inflater!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new NiftiFormatException(_path, $"the gzip stream is corrupt: the member that starts at byte {MemberStart} holds invalid deflate data", e);
            }
            if (n > 0)
            {
                _crc.Append(buffer[..n]);
                _memberOutput += n;
                return n;
            }
            EndMember();
        }
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Parses the member header at <see cref="_nextMember"/> and starts inflating; false when no member starts there.</summary>
    private bool StartMember()
    {
        var start = _nextMember;
        Span<byte> head = stackalloc byte[10];
        var got = ReadAt(start, head);
        if (got < 2 || head[0] != 0x1f || head[1] != 0x8b)
        {
            TrailingBytes = _length - start;
            TrailingBytesAreZero = TrailingBytes > 0 && AllZero(start);
            return false;
        }
        MemberStart = start;
        MembersStarted++;
        if (got < head.Length)
            throw Truncated($"the gzip member that starts at byte {start} is cut off inside its 10-byte header");
        if (head[2] != 8)
            throw new NiftiFormatException(_path, $"the gzip member that starts at byte {start} uses compression method {head[2]}; gzip defines only deflate (8)");
        var flags = head[3];
        var position = start + head.Length;
        if ((flags & FlagExtra) != 0)
        {
            Span<byte> size = stackalloc byte[2];
            if (ReadAt(position, size) < 2) throw Truncated($"the gzip member that starts at byte {start} is cut off inside its header's extra field");
            position += 2 + BinaryPrimitives.ReadUInt16LittleEndian(size);
        }
        if ((flags & FlagName) != 0) position = AfterTerminatingZero(position, start, "file name");
        if ((flags & FlagComment) != 0) position = AfterTerminatingZero(position, start, "comment");
        // Python's gzip skips the header CRC without checking it; so does this reader.
        if ((flags & FlagHeaderCrc) != 0) position += 2;
        if (position > _length)
            throw Truncated($"the gzip member that starts at byte {start} is cut off inside its header");

        _input = new MemberInput(_file, position, _length);
        _inflater = new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
        _crc.Reset();
        _memberOutput = 0;
        return true;
    }

    /// <summary>
    /// Finds the member's 8-byte trailer just after its deflate data, checks it, and notes where the next member starts.
    /// The inflater does not say where its input ended, but that end lies in the last chunk it read (the one before, should
    /// it have read ahead), and the trailer (CRC-32 and size of the data just inflated) identifies itself.
    /// </summary>
    private void EndMember()
    {
        var input = _input!;
        _inflater!.Dispose();
        _inflater = null;
        _input = null;

        var crc = _crc.GetCurrentHashAsUInt32();
        var size = (uint)_memberOutput;
        var from = input.PreviousReadStart;
        var window = _window.AsSpan(0, ReadAt(from, _window.AsSpan(0, (int)(Math.Min(_length, input.End + 8) - from))));
        var partial = -1;
        var matches = new List<long>();
        for (var p = 0; p + 8 <= window.Length; p++)
        {
            var crcMatches = BinaryPrimitives.ReadUInt32LittleEndian(window[p..]) == crc;
            var sizeMatches = BinaryPrimitives.ReadUInt32LittleEndian(window[(p + 4)..]) == size;
            if (crcMatches && sizeMatches) matches.Add(from + p);
            else if ((crcMatches || sizeMatches) && partial < 0) partial = p;
        }
        // Several matches happen with structured data (an empty member's trailer is eight zero bytes): the trailer is
        // the first match at or after the end of the deflate data.
        foreach (var trailer in matches)
        {
            if (matches.Count > 1 && !DeflateEndsBy(input.Start, trailer)) continue;
            _nextMember = trailer + 8;
            return;
        }
        if (partial >= 0)
        {
            var recordedCrc = BinaryPrimitives.ReadUInt32LittleEndian(window[partial..]);
            var recordedSize = BinaryPrimitives.ReadUInt32LittleEndian(window[(partial + 4)..]);
            throw new NiftiFormatException(_path,
                $"the gzip stream is corrupt: the member that starts at byte {MemberStart} inflates to {_memberOutput} bytes with CRC-32 {crc:x8}, but its trailer records {recordedSize} bytes (mod 2^32) with CRC-32 {recordedCrc:x8}");
        }
        if (input.RanOut)
            throw Truncated($"the file ends ({_length} bytes) inside the deflate data of the member that starts at byte {MemberStart}");
        // The deflate data ended; with fewer than 8 bytes left after them, the trailer may have been cut off.
        throw new NiftiFormatException(_path, input.End + 8 > _length
            ? $"the gzip stream is truncated or corrupt: the member that starts at byte {MemberStart} lacks a complete, matching CRC-32/size trailer at the end of the {_length}-byte file"
            : $"the gzip stream is corrupt: the member that starts at byte {MemberStart} has no matching CRC-32/size trailer after its deflate data");
    }

    /// <summary>Whether the deflate data that start at <paramref name="start"/> end before <paramref name="end"/>: inflating only those bytes finishes.</summary>
    private bool DeflateEndsBy(long start, long end)
    {
        var input = new MemberInput(_file, start, end);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress, leaveOpen: true);
        var scratch = new byte[1 << 16];
        try
        {
            while (inflater.Read(scratch) > 0)
            {
            }
        }
        catch (InvalidDataException)
        {
            return false;
        }
        return !input.RanOut;
    }

    private long AfterTerminatingZero(long position, long memberStart, string field)
    {
        var chunk = new byte[4096];
        while (true)
        {
            var n = ReadAt(position, chunk);
            if (n == 0) throw Truncated($"the gzip member that starts at byte {memberStart} is cut off inside its header's {field}");
            var zero = Array.IndexOf(chunk, (byte)0, 0, n);
            if (zero >= 0) return position + zero + 1;
            position += n;
        }
    }

    private bool AllZero(long from)
    {
        var chunk = new byte[1 << 16];
        for (int n; (n = ReadAt(from, chunk)) > 0; from += n)
            if (chunk.AsSpan(0, n).ContainsAnyExcept((byte)0)) return false;
        return true;
    }

    private int ReadAt(long position, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length && position + total < _length)
        {
            var n = RandomAccess.Read(_file, buffer[total..], position + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private NiftiFormatException Truncated(string detail) => new(_path, $"the gzip stream is truncated: {detail}");

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inflater?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>A member's compressed bytes from <see cref="Start"/> up to <paramref name="limit"/>, served in chunks whose positions are remembered.</summary>
    private sealed class MemberInput(SafeFileHandle file, long start, long limit) : ForwardOnlyStream
    {
        public long Start { get; } = start;

        /// <summary>File offset after the last byte served.</summary>
        public long End { get; private set; } = start;

        /// <summary>File offset of the first byte of the chunk served before the last one (<see cref="Start"/> until there are two).</summary>
        public long PreviousReadStart { get; private set; } = start;

        private long _lastReadStart = start;

        /// <summary>True once the inflater asked for input beyond the limit: its data are cut off there.</summary>
        public bool RanOut { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(Math.Min(buffer.Length, InputChunk), limit - End);
            if (count <= 0)
            {
                RanOut |= !buffer.IsEmpty;
                return 0;
            }
            var n = RandomAccess.Read(file, buffer[..count], End);
            PreviousReadStart = _lastReadStart;
            _lastReadStart = End;
            End += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    }
}
