using System.Buffers.Binary;
using System.Text;
using static Pipeline.ImageIO.Nifti.NiftiHeaderLayout;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Decodes and sanity-checks the fixed part of a NIfTI-1 or NIfTI-2 header.</summary>
internal static class NiftiHeaderParser
{
    /// <summary>More voxels than this cannot be real data; the bound keeps every later size computation free of overflow.</summary>
    public const long MaxVoxelCount = 1L << 56;

    /// <summary>
    /// The header's version and byte order, judged from its start (at least the first 4 bytes; up to the 348 of a NIfTI-1
    /// header): <c>sizeof_hdr</c> in either byte order, or, as nibabel does, a NIfTI-1 magic whatever <c>sizeof_hdr</c>
    /// says, with the byte order that makes dim[0] a rank.
    /// </summary>
    public static (NiftiVersion Version, NiftiByteOrder Order) Identify(ReadOnlySpan<byte> start, string file)
    {
        if (start.Length < 4)
            throw new NiftiFormatException(file, $"the file is too short to hold a NIfTI header ({start.Length} bytes)");
        var little = BinaryPrimitives.ReadInt32LittleEndian(start);
        var big = BinaryPrimitives.ReadInt32BigEndian(start);
        switch (little, big)
        {
            case (Nifti1HeaderSize, _): return (NiftiVersion.Nifti1, NiftiByteOrder.LittleEndian);
            case (_, Nifti1HeaderSize): return (NiftiVersion.Nifti1, NiftiByteOrder.BigEndian);
            case (Nifti2HeaderSize, _): return (NiftiVersion.Nifti2, NiftiByteOrder.LittleEndian);
            case (_, Nifti2HeaderSize): return (NiftiVersion.Nifti2, NiftiByteOrder.BigEndian);
        }
        if (HasNifti1Magic(start))
            return (NiftiVersion.Nifti1, BinaryPrimitives.ReadInt16LittleEndian(start[V1.Dim..]) is >= 1 and <= 7 ? NiftiByteOrder.LittleEndian : NiftiByteOrder.BigEndian);
        throw new NiftiFormatException(file,
            $"not a NIfTI file: sizeof_hdr is {little} (expected 348 for NIfTI-1 or 540 for NIfTI-2){(start.Length >= Nifti1HeaderSize ? " and there is no NIfTI-1 magic at byte 344" : "")}");
    }

    /// <summary>Parses a complete fixed header (348 or 540 bytes). <paramref name="singleFile"/> tells whether data follow the header in the same file.</summary>
    public static NiftiHeader Parse(ReadOnlySpan<byte> bytes, bool singleFile, string file)
    {
        var (version, order) = Identify(bytes, file);
        var size = version == NiftiVersion.Nifti1 ? Nifti1HeaderSize : Nifti2HeaderSize;
        if (bytes.Length < size)
            throw new NiftiFormatException(file, $"the header is truncated: {bytes.Length} of {size} bytes");
        var f = new Fields(bytes[..size], order == NiftiByteOrder.BigEndian);
        if (f.I32(V1.SizeofHdr) != size)
            NiftiWarnings.Report($"{file}: sizeof_hdr is {f.I32(V1.SizeofHdr)}, not {size}; read as NIfTI-1 by its magic \"{Printable(f.Text(V1.Magic, 4))}\", as nibabel does");
        return version == NiftiVersion.Nifti1 ? ParseV1(f, order, singleFile, file) : ParseV2(f, order, singleFile, file);
    }

    private static bool HasNifti1Magic(ReadOnlySpan<byte> start) =>
        start.Length >= Nifti1HeaderSize && (start.Slice(V1.Magic, 4).SequenceEqual("n+1\0"u8) || start.Slice(V1.Magic, 4).SequenceEqual("ni1\0"u8));

    private static NiftiHeader ParseV1(Fields f, NiftiByteOrder order, bool singleFile, string file)
    {
        var magic = f.Text(V1.Magic, 4);
        if (magic is not ("n+1" or "ni1"))
            throw new NiftiFormatException(file, $"not a NIfTI-1 file: magic is \"{Printable(magic)}\" (expected \"n+1\" or \"ni1\"; Analyze 7.5 files are not supported)");
        var dim = new long[8];
        for (var i = 0; i < 8; i++) dim[i] = f.I16(V1.Dim + 2 * i);
        var pixdim = f.F32Array(V1.Pixdim, 8);
        var voxOffset = (double)f.F32(V1.VoxOffset);
        return new NiftiHeader
        {
            SourceFile = file,
            Version = NiftiVersion.Nifti1,
            ByteOrder = order,
            Magic = magic,
            DataType = (NiftiDataType)f.I16(V1.Datatype),
            BitsPerVoxel = f.I16(V1.Bitpix),
            Dim = CheckDims(dim, file),
            PixDim = pixdim,
            VoxOffset = voxOffset,
            DataOffset = DataOffsetOf(voxOffset, singleFile ? Nifti1SingleDataOffset : 0, file),
            SclSlope = f.F32(V1.SclSlope),
            SclInter = f.F32(V1.SclInter),
            QformCode = f.I16(V1.QformCode),
            SformCode = f.I16(V1.SformCode),
            Quaternion = (f.F32(V1.QuaternB), f.F32(V1.QuaternB + 4), f.F32(V1.QuaternB + 8)),
            QOffset = (f.F32(V1.QOffsetX), f.F32(V1.QOffsetX + 4), f.F32(V1.QOffsetX + 8)),
            SRows = f.F32Array(V1.SrowX, 12),
            XyztUnits = f.Byte(V1.XyztUnits),
            IntentCode = f.I16(V1.IntentCode),
            IntentName = f.Text(V1.IntentName, 16),
            Description = f.Text(V1.Descrip, 80),
            AuxFile = f.Text(V1.AuxFile, 24),
            CalMin = f.F32(V1.CalMin),
            CalMax = f.F32(V1.CalMax),
        };
    }

    private static NiftiHeader ParseV2(Fields f, NiftiByteOrder order, bool singleFile, string file)
    {
        var magic = f.Text(V2.Magic, 4);
        if (magic is not ("n+2" or "ni2"))
            throw new NiftiFormatException(file, $"not a NIfTI-2 file: magic is \"{Printable(magic)}\" (expected \"n+2\" or \"ni2\")");
        // The DOS/Unix line-ending signature catches files mangled by a text-mode transfer; nibabel accepts all zeros too.
        var eol = (f.Byte(V2.Magic + 4), f.Byte(V2.Magic + 5), f.Byte(V2.Magic + 6), f.Byte(V2.Magic + 7));
        if (eol != (13, 10, 26, 10) && eol != (0, 0, 0, 0))
            throw new NiftiFormatException(file, "the NIfTI-2 line-ending signature is corrupted (was the file transferred in text mode?)");
        var dim = new long[8];
        for (var i = 0; i < 8; i++) dim[i] = f.I64(V2.Dim + 8 * i);
        var pixdim = f.F64Array(V2.Pixdim, 8);
        var voxOffset = (double)f.I64(V2.VoxOffset);
        return new NiftiHeader
        {
            SourceFile = file,
            Version = NiftiVersion.Nifti2,
            ByteOrder = order,
            Magic = magic,
            DataType = (NiftiDataType)f.I16(V2.Datatype),
            BitsPerVoxel = f.I16(V2.Bitpix),
            Dim = CheckDims(dim, file),
            PixDim = pixdim,
            VoxOffset = voxOffset,
            DataOffset = DataOffsetOf(voxOffset, singleFile ? Nifti2SingleDataOffset : 0, file),
            SclSlope = f.F64(V2.SclSlope),
            SclInter = f.F64(V2.SclInter),
            QformCode = f.I32(V2.QformCode),
            SformCode = f.I32(V2.SformCode),
            Quaternion = (f.F64(V2.QuaternB), f.F64(V2.QuaternB + 8), f.F64(V2.QuaternB + 16)),
            QOffset = (f.F64(V2.QOffsetX), f.F64(V2.QOffsetX + 8), f.F64(V2.QOffsetX + 16)),
            SRows = f.F64Array(V2.SrowX, 12),
            XyztUnits = f.I32(V2.XyztUnits),
            IntentCode = f.I32(V2.IntentCode),
            IntentName = f.Text(V2.IntentName, 16),
            Description = f.Text(V2.Descrip, 80),
            AuxFile = f.Text(V2.AuxFile, 24),
            CalMin = f.F64(V2.CalMin),
            CalMax = f.F64(V2.CalMax),
        };
    }

    private static long[] CheckDims(long[] dim, string file)
    {
        if (dim[0] is < 1 or > 7)
            throw new NiftiFormatException(file, $"dim[0] = {dim[0]} is not a number of dimensions between 1 and 7");
        var voxels = 1L;
        for (var i = 1; i <= dim[0]; i++)
        {
            if (dim[i] < 1)
                throw new NiftiFormatException(file, $"dim[{i}] = {dim[i]} is not a positive size");
            if (dim[i] > MaxVoxelCount / voxels)
                throw new NiftiFormatException(file, $"the dimensions [{string.Join(", ", dim.Skip(1).Take((int)dim[0]))}] describe an absurd number of voxels");
            voxels *= dim[i];
        }
        return dim;
    }

    private static long DataOffsetOf(double voxOffset, long minimum, string file)
    {
        if (!double.IsFinite(voxOffset) || voxOffset < 0 || voxOffset > (double)(1L << 62))
            throw new NiftiFormatException(file, $"vox_offset = {voxOffset} is not a valid byte offset");
        // nibabel truncates to an integer and, for single files, raises offsets inside the header to the header's end.
        return Math.Max((long)voxOffset, minimum);
    }

    private static string Printable(string s) => new(s.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());

    /// <summary>Reads fixed-offset fields in the header's byte order.</summary>
    private readonly ref struct Fields(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _b = bytes;

        public byte Byte(int at) => _b[at];

        public short I16(int at) => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(_b[at..]) : BinaryPrimitives.ReadInt16LittleEndian(_b[at..]);

        public int I32(int at) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(_b[at..]) : BinaryPrimitives.ReadInt32LittleEndian(_b[at..]);

        public long I64(int at) => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(_b[at..]) : BinaryPrimitives.ReadInt64LittleEndian(_b[at..]);

        public float F32(int at) => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(_b[at..]) : BinaryPrimitives.ReadSingleLittleEndian(_b[at..]);

        public double F64(int at) => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(_b[at..]) : BinaryPrimitives.ReadDoubleLittleEndian(_b[at..]);

        public double[] F32Array(int at, int count)
        {
            var values = new double[count];
            for (var i = 0; i < count; i++) values[i] = F32(at + 4 * i);
            return values;
        }

        public double[] F64Array(int at, int count)
        {
            var values = new double[count];
            for (var i = 0; i < count; i++) values[i] = F64(at + 8 * i);
            return values;
        }

        /// <summary>A NUL-terminated Latin-1 string field (Latin-1 so that any byte decodes).</summary>
        public string Text(int at, int length)
        {
            var field = _b.Slice(at, length);
            var end = field.IndexOf((byte)0);
            return Encoding.Latin1.GetString(end < 0 ? field : field[..end]);
        }
    }
}
