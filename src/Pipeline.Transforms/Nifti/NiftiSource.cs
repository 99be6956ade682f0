using System.Buffers.Binary;
using System.IO.Compression;

namespace Pipeline.Transforms.Nifti;

/// <summary>A NIfTI file opened for sequential reading, transparently gunzipped, that reports every malformation as a <see cref="NiftiFormatException"/>.</summary>
internal sealed class NiftiSource : IDisposable
{
    /// <summary>Deflate cannot compress better than about 1032:1, so more claimed output than this per input byte is impossible.</summary>
    private const long MaxDeflateExpansion = 1032;

    /// <summary>Smallest possible gzip file: 10-byte header, an empty deflate block, 8-byte trailer.</summary>
    private const int MinimumGzipLength = 20;

    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly uint _gzipTrailerSize;

    private NiftiSource(string path, FileStream file)
    {
        Path = path;
        _file = file;
        IsGzip = StartsWithGzipMagic(file);
        if (!IsGzip)
        {
            _stream = file;
            return;
        }
        if (file.Length < MinimumGzipLength)
            throw new NiftiFormatException(path, $"the gzip stream is truncated ({file.Length} bytes)");
        // Read the ISIZE trailer now, so that sizes can be checked before anything large is allocated.
        Span<byte> trailer = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(trailer);
        file.Position = 0;
        _gzipTrailerSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        _stream = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
    }

    /// <summary>The file's full path, used in error messages.</summary>
    public string Path { get; }

    /// <summary>True when the file is gzip-compressed (judged by its magic bytes, not its name).</summary>
    public bool IsGzip { get; }

    /// <summary>Uncompressed bytes consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    public static NiftiSource Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        try
        {
            return new NiftiSource(path, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes, fewer only at the end of the data; returns the count.</summary>
    public int ReadUpTo(Span<byte> buffer)
    {
        try
        {
            var n = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            Position += n;
            return n;
        }
        catch (InvalidDataException e)
        {
            // .NET's own message ("unsupported compression method") misleads for what is nearly always corruption.
            throw new NiftiFormatException(Path, "the gzip stream is corrupt (bad deflate data or checksum)", e);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> or throws, naming <paramref name="what"/> was being read.</summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        var start = Position;
        var n = ReadUpTo(buffer);
        if (n < buffer.Length)
            throw new NiftiFormatException(Path, $"the file ends early: {what} needs bytes {start}–{start + buffer.Length} but the {(IsGzip ? "uncompressed stream" : "file")} has only {start + n}");
    }

    /// <summary>Advances to uncompressed offset <paramref name="offset"/>, which must not be behind the current position.</summary>
    public void SkipTo(long offset, string what)
    {
        if (offset < Position) throw new InvalidOperationException("cannot seek backwards in a NIfTI source");
        if (!IsGzip)
        {
            if (offset > _file.Length)
                throw new NiftiFormatException(Path, $"{what} starts at byte {offset}, beyond the end of the {_file.Length}-byte file");
            _file.Position = offset;
            Position = offset;
            return;
        }
        var scratch = new byte[(int)Math.Min(1 << 16, Math.Max(1, offset - Position))];
        while (Position < offset)
            ReadExactly(scratch.AsSpan(0, (int)Math.Min(scratch.Length, offset - Position)), what);
    }

    /// <summary>
    /// Checks, before anything is allocated, that the file can hold <paramref name="totalBytes"/> (uncompressed) bytes:
    /// a plain file must be at least that long; a gzip file's ISIZE trailer must record that size (mod 2³²) and its
    /// compressed length must make that size possible.
    /// </summary>
    public void CheckHolds(long totalBytes, string what)
    {
        var length = _file.Length;
        if (!IsGzip)
        {
            if (length < totalBytes)
                throw new NiftiFormatException(Path, $"the file is {length} bytes but {what} needs {totalBytes}: it is truncated, or its header's dims, datatype or vox_offset are wrong");
            return;
        }
        if (totalBytes > length * MaxDeflateExpansion)
            throw new NiftiFormatException(Path, $"{what} needs {totalBytes} uncompressed bytes, more than a {length}-byte gzip file can hold");
        if (_gzipTrailerSize != (uint)totalBytes)
            throw new NiftiFormatException(Path,
                $"the gzip trailer records {_gzipTrailerSize} uncompressed bytes (mod 2^32) but {what} needs {totalBytes}: the file is truncated, or its header's dims, datatype or vox_offset are wrong");
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!ReferenceEquals(_stream, _file)) _stream.Dispose();
        _file.Dispose();
    }
}
