namespace Pipeline.ImageIO.Nifti;

/// <summary>A NIfTI file opened for sequential reading, transparently gunzipped (all members), that reports every malformation as a <see cref="NiftiFormatException"/>.</summary>
internal sealed class NiftiSource : IDisposable
{
    /// <summary>Deflate cannot compress better than about 1032:1, so more output than this per compressed byte is impossible, however many members a file has.</summary>
    private const long MaxDeflateExpansion = 1032;

    /// <summary>Smallest possible gzip file: 10-byte header, an empty deflate block, 8-byte trailer.</summary>
    private const int MinimumGzipLength = 20;

    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly GzipMemberStream? _gzip;

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
            throw new NiftiFormatException(path, $"the gzip stream is truncated: {file.Length} bytes cannot hold a complete gzip member");
        _gzip = new GzipMemberStream(file.SafeFileHandle, file.Length, path);
        _stream = _gzip;
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
        var n = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        Position += n;
        return n;
    }

    /// <summary>Fills <paramref name="buffer"/> or throws, naming <paramref name="what"/> was being read.</summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        var start = Position;
        var n = ReadUpTo(buffer);
        if (n < buffer.Length)
            throw new NiftiFormatException(Path, $"the file is truncated: {what} needs bytes {start}–{start + buffer.Length} but the {(IsGzip ? "uncompressed gzip data end after" : "file has only")} {start + n}{TrailingNote()}");
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
    /// a plain file must be at least that long; a gzip file must be long enough to inflate to that size at deflate's
    /// best ratio. (The ISIZE trailer at the end of a gzip file only records the last member's size, so it proves nothing
    /// about a file of several members or one followed by padding.)
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
            throw new NiftiFormatException(Path,
                $"{what} needs {totalBytes} uncompressed bytes, more than a {length}-byte gzip file can hold (at most {length * MaxDeflateExpansion}): it is truncated, or its header's dims, datatype or vox_offset are wrong");
    }

    /// <summary>
    /// Reads a gzip file to its end once the image has been read, so that the checksum of every member that held image
    /// bytes is verified and whatever follows is reported: bytes after the last member, or a broken member after the image
    /// data, are warnings (the image is complete, and nibabel reads such files), not errors.
    /// </summary>
    public void Finish()
    {
        if (_gzip is null) return;
        var membersHoldingImageData = _gzip.MembersStarted;
        var scratch = new byte[1 << 16];
        try
        {
            while (ReadUpTo(scratch) > 0)
            {
            }
        }
        catch (NiftiFormatException e) when (_gzip.MembersStarted > membersHoldingImageData)
        {
            NiftiWarnings.Report($"{Path}: the last {_file.Length - _gzip.MemberStart} bytes (from byte {_gzip.MemberStart} on, after the image data) are not a complete gzip member and were ignored: {e.Problem}");
            return;
        }
        if (_gzip.TrailingBytes > 0)
            NiftiWarnings.Report($"{Path}: {_gzip.TrailingBytes} trailing bytes after the end of the gzip data{(_gzip.TrailingBytesAreZero ? " (zero padding)" : "")} were ignored");
    }

    private string TrailingNote() =>
        _gzip is { TrailingBytes: > 0 } gzip ? $" (the gzip data are followed by {gzip.TrailingBytes} bytes that are not gzip data)" : "";

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
