using System.Text;
using Pipeline.Imaging;
using static Pipeline.ImageIO.Nifti.NiftiHeaderLayout;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Builds the 352 bytes (header and empty extension flag) that precede the voxel data of a single-file NIfTI-1 image.</summary>
/// <remarks>
/// The geometry fields are what nibabel's <c>Nifti1Image(data, affine)</c> stores: the affine in the sform with
/// sform_code 2 (aligned), and its nearest rotation, voxel sizes and qfac in the qform fields with qform_code 0 (unknown).
/// The other fields are nibabel's too (scl_slope 1, scl_inter 0, vox_offset 352, empty descrip), except xyzt_units, which
/// nibabel leaves unknown and this sets to millimetres, the unit the affine is in.
/// </remarks>
internal static class NiftiHeaderEncoder
{
    private const short AlignedAnatomy = 2;
    private const byte UnitsMillimetre = 2;

    /// <summary>Encodes a header in this machine's byte order for data of Fortran <paramref name="shape"/> (1 to 7 sizes, each ≤ 32767).</summary>
    public static byte[] Encode(IReadOnlyList<long> shape, NiftiDataType type, AffineMatrix affine)
    {
        var bytes = new byte[Nifti1SingleDataOffset];
        var w = new Writer(bytes);
        w.I32(V1.SizeofHdr, Nifti1HeaderSize);
        w.I16(V1.Dim, (short)shape.Count);
        for (var i = 1; i < 8; i++)
            w.I16(V1.Dim + 2 * i, (short)(i <= shape.Count ? shape[i - 1] : 1));
        w.I16(V1.Datatype, (short)type);
        w.I16(V1.Bitpix, (short)(type.ByteSize() * 8));

        var (zooms, qfac, quaternion) = NiftiQuaternion.FromAffine(affine);
        w.F32(V1.Pixdim, (float)qfac);
        for (var i = 1; i < 8; i++)
            w.F32(V1.Pixdim + 4 * i, i <= 3 ? (float)zooms[i - 1] : 1f);
        w.F32(V1.VoxOffset, Nifti1SingleDataOffset);
        w.F32(V1.SclSlope, 1f);
        w.F32(V1.SclInter, 0f);
        bytes[V1.XyztUnits] = UnitsMillimetre;

        w.I16(V1.QformCode, 0);
        w.I16(V1.SformCode, AlignedAnatomy);
        w.F32(V1.QuaternB, (float)quaternion.B);
        w.F32(V1.QuaternB + 4, (float)quaternion.C);
        w.F32(V1.QuaternB + 8, (float)quaternion.D);
        w.F32(V1.QOffsetX, (float)affine[0, 3]);
        w.F32(V1.QOffsetX + 4, (float)affine[1, 3]);
        w.F32(V1.QOffsetX + 8, (float)affine[2, 3]);
        for (var row = 0; row < 3; row++)
        for (var col = 0; col < 4; col++)
            w.F32(V1.SrowX + 4 * (row * 4 + col), (float)affine[row, col]);
        Encoding.ASCII.GetBytes("n+1").CopyTo(bytes, V1.Magic);
        return bytes;
    }

    /// <summary>Writes fields in native byte order, which <see cref="NiftiHeaderParser"/> detects from sizeof_hdr.</summary>
    private readonly struct Writer(byte[] bytes)
    {
        public void I16(int at, short v) => BitConverter.TryWriteBytes(bytes.AsSpan(at), v);

        public void I32(int at, int v) => BitConverter.TryWriteBytes(bytes.AsSpan(at), v);

        public void F32(int at, float v) => BitConverter.TryWriteBytes(bytes.AsSpan(at), v);
    }
}
