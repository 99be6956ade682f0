using System.Buffers.Binary;
using System.Text;
using static Pipeline.ImageIO.Nifti.NiftiHeaderLayout;

namespace Pipeline.Tests.Nifti;

/// <summary>
/// Writes the corpus' base image (6×5×4 int16, sform and qform set) as raw NIfTI-1 or NIfTI-2 bytes in either byte
/// order, field by field, so that any field can be set to any value — including ones no writer would produce.
/// </summary>
internal sealed class OddNiftiBuilder
{
    public const int Nx = 6, Ny = 5, Nz = 4;

    public int Version { get; set; } = 1;
    public bool BigEndian { get; set; }
    public int? SizeofHdr { get; set; }
    public string? Magic { get; set; }
    public byte[] Nifti2LineEndings { get; set; } = [13, 10, 26, 10];
    public long[] Dim { get; set; } = [3, Nx, Ny, Nz, 1, 1, 1, 1];
    public short DataType { get; set; } = 4;
    public short Bitpix { get; set; } = 16;
    public double[] Pixdim { get; set; } = [1, 2, 3, 4, 1, 1, 1, 1];
    public double? VoxOffset { get; set; }
    public double SclSlope { get; set; } = 1;
    public double SclInter { get; set; }
    public int QformCode { get; set; } = 1;
    public int SformCode { get; set; } = 1;
    public double[] Quaternion { get; set; } = [0, 0, 0];
    public double[] QOffset { get; set; } = [10, -20, 30];
    public double[] SRows { get; set; } = [2, 0, 0, 10, 0, 3, 0, -20, 0, 0, 4, 30];
    public byte[] ExtensionFlag { get; set; } = [0, 0, 0, 0];
    public byte[] Extensions { get; set; } = [];

    /// <summary>Voxel bytes in the header's byte order; null: the base image's values.</summary>
    public byte[]? Data { get; set; }

    /// <summary>The base image's value at voxel (i, j, k): distinct, and with both bytes varying, so swapped or shifted data show.</summary>
    public static short Value(int i, int j, int k) => (short)((i + Nx * j + Nx * Ny * k) * 250 - 14000);

    public int HeaderSize => Version == 1 ? Nifti1HeaderSize : Nifti2HeaderSize;

    /// <summary>Where the data start in a single file: vox_offset, raised past the header and extensions like readers do, or right after them when vox_offset is not a usable offset.</summary>
    public long DataStart
    {
        get
        {
            var minimum = HeaderSize + 4 + Extensions.Length;
            var offset = VoxOffset ?? minimum;
            return double.IsFinite(offset) && offset is >= 0 and < 1 << 20 ? Math.Max((long)offset, minimum) : minimum;
        }
    }

    /// <summary>A single .nii file: header, extension flag and extensions, zero padding up to vox_offset, data.</summary>
    public byte[] SingleFile()
    {
        var file = new MemoryStream();
        file.Write(Header(single: true));
        file.Write(ExtensionFlag);
        file.Write(Extensions);
        file.Write(new byte[DataStart - file.Length]);
        file.Write(VoxelBytes());
        return file.ToArray();
    }

    /// <summary>The .hdr of a header/image pair (vox_offset 0 unless set).</summary>
    public byte[] PairHeader() => Header(single: false);

    /// <summary>The .img of a header/image pair.</summary>
    public byte[] PairImage() => VoxelBytes();

    public byte[] VoxelBytes()
    {
        if (Data is not null) return Data;
        var bytes = new byte[Nx * Ny * Nz * 2];
        var n = 0;
        for (var k = 0; k < Nz; k++)
        for (var j = 0; j < Ny; j++)
        for (var i = 0; i < Nx; i++, n += 2)
        {
            if (BigEndian) BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(n), Value(i, j, k));
            else BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(n), Value(i, j, k));
        }
        return bytes;
    }

    public byte[] Header(bool single)
    {
        var b = new byte[HeaderSize];
        var w = new FieldWriter(b, BigEndian);
        w.I32(0, SizeofHdr ?? HeaderSize);
        var magic = Encoding.Latin1.GetBytes(Magic ?? (single ? $"n+{Version}" : $"ni{Version}"));
        var voxOffset = VoxOffset ?? (single ? DataStart : 0);
        if (Version == 1)
        {
            for (var i = 0; i < 8; i++) w.I16(V1.Dim + 2 * i, (short)Dim[i]);
            w.I16(V1.Datatype, DataType);
            w.I16(V1.Bitpix, Bitpix);
            for (var i = 0; i < 8; i++) w.F32(V1.Pixdim + 4 * i, (float)Pixdim[i]);
            w.F32(V1.VoxOffset, (float)voxOffset);
            w.F32(V1.SclSlope, (float)SclSlope);
            w.F32(V1.SclInter, (float)SclInter);
            b[V1.XyztUnits] = 2;
            w.I16(V1.QformCode, (short)QformCode);
            w.I16(V1.SformCode, (short)SformCode);
            for (var i = 0; i < 3; i++) w.F32(V1.QuaternB + 4 * i, (float)Quaternion[i]);
            for (var i = 0; i < 3; i++) w.F32(V1.QOffsetX + 4 * i, (float)QOffset[i]);
            for (var i = 0; i < 12; i++) w.F32(V1.SrowX + 4 * i, (float)SRows[i]);
            magic.AsSpan(0, Math.Min(magic.Length, 4)).CopyTo(b.AsSpan(V1.Magic));
        }
        else
        {
            magic.AsSpan(0, Math.Min(magic.Length, 4)).CopyTo(b.AsSpan(V2.Magic));
            Nifti2LineEndings.CopyTo(b.AsSpan(V2.Magic + 4));
            w.I16(V2.Datatype, DataType);
            w.I16(V2.Bitpix, Bitpix);
            for (var i = 0; i < 8; i++) w.I64(V2.Dim + 8 * i, Dim[i]);
            for (var i = 0; i < 8; i++) w.F64(V2.Pixdim + 8 * i, Pixdim[i]);
            w.I64(V2.VoxOffset, double.IsFinite(voxOffset) ? (long)Math.Clamp(voxOffset, long.MinValue, long.MaxValue) : -1);
            w.F64(V2.SclSlope, SclSlope);
            w.F64(V2.SclInter, SclInter);
            w.I32(V2.QformCode, QformCode);
            w.I32(V2.SformCode, SformCode);
            for (var i = 0; i < 3; i++) w.F64(V2.QuaternB + 8 * i, Quaternion[i]);
            for (var i = 0; i < 3; i++) w.F64(V2.QOffsetX + 8 * i, QOffset[i]);
            for (var i = 0; i < 12; i++) w.F64(V2.SrowX + 8 * i, SRows[i]);
            w.I32(V2.XyztUnits, 2);
        }
        return b;
    }

    /// <summary>Writes header fields in the chosen byte order.</summary>
    private readonly struct FieldWriter(byte[] bytes, bool bigEndian)
    {
        public void I16(int at, short v)
        {
            if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(bytes.AsSpan(at), v);
            else BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(at), v);
        }

        public void I32(int at, int v)
        {
            if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), v);
            else BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), v);
        }

        public void I64(int at, long v)
        {
            if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(at), v);
            else BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), v);
        }

        public void F32(int at, float v)
        {
            if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(at), v);
            else BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), v);
        }

        public void F64(int at, double v)
        {
            if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(at), v);
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(at), v);
        }
    }
}
