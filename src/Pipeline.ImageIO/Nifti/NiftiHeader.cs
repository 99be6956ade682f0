using Pipeline.Imaging;

namespace Pipeline.ImageIO.Nifti;

/// <summary>The fields of a NIfTI-1 or NIfTI-2 header as stored in the file, plus the values a reader derives from them.</summary>
/// <remarks>
/// Numbers are as stored (NIfTI-1 float32 fields widened to double), before any of nibabel's load-time fixes;
/// <see cref="GetBestAffine"/> applies those fixes (pixdim ≤ 0, qfac not ±1, unknown xform codes) as nibabel does.
/// </remarks>
public sealed record NiftiHeader
{
    /// <summary>The file the header was read from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>NIfTI-1 or NIfTI-2.</summary>
    public required NiftiVersion Version { get; init; }

    /// <summary>Byte order of the header and the voxel data.</summary>
    public required NiftiByteOrder ByteOrder { get; init; }

    /// <summary>The <c>magic</c> string without trailing NULs: "n+1"/"n+2" for single files, "ni1"/"ni2" for header/image pairs.</summary>
    public required string Magic { get; init; }

    /// <summary>The <c>datatype</c> code; may be a value outside <see cref="NiftiDataType"/> (e.g. 128 for RGB24), which cannot be read.</summary>
    public required NiftiDataType DataType { get; init; }

    /// <summary>The <c>bitpix</c> field; ignored when reading (nibabel also derives the size from <see cref="DataType"/>).</summary>
    public required int BitsPerVoxel { get; init; }

    /// <summary>The eight <c>dim</c> entries: dim[0] is the rank, dim[1..rank] the sizes.</summary>
    public required IReadOnlyList<long> Dim { get; init; }

    /// <summary>The eight <c>pixdim</c> entries: pixdim[0] is qfac, pixdim[1..3] the voxel sizes.</summary>
    public required IReadOnlyList<double> PixDim { get; init; }

    /// <summary>The <c>vox_offset</c> field as stored.</summary>
    public required double VoxOffset { get; init; }

    /// <summary>Where the voxel data start in the data file: <see cref="VoxOffset"/>, raised to the header size for single files (as nibabel's header check does).</summary>
    public required long DataOffset { get; init; }

    /// <summary>The <c>scl_slope</c> field.</summary>
    public required double SclSlope { get; init; }

    /// <summary>The <c>scl_inter</c> field.</summary>
    public required double SclInter { get; init; }

    /// <summary>The <c>qform_code</c> field.</summary>
    public required int QformCode { get; init; }

    /// <summary>The <c>sform_code</c> field.</summary>
    public required int SformCode { get; init; }

    /// <summary>The quaternion parameters b, c, d.</summary>
    public required (double B, double C, double D) Quaternion { get; init; }

    /// <summary>The qform offsets qoffset_x, qoffset_y, qoffset_z.</summary>
    public required (double X, double Y, double Z) QOffset { get; init; }

    /// <summary>The sform rows srow_x, srow_y, srow_z, 12 values row-major.</summary>
    public required IReadOnlyList<double> SRows { get; init; }

    /// <summary>The <c>xyzt_units</c> field (spatial unit code in bits 0–2, time unit in bits 3–5).</summary>
    public required int XyztUnits { get; init; }

    /// <summary>The <c>intent_code</c> field.</summary>
    public required int IntentCode { get; init; }

    /// <summary>The <c>intent_name</c> text.</summary>
    public required string IntentName { get; init; }

    /// <summary>The <c>descrip</c> text.</summary>
    public required string Description { get; init; }

    /// <summary>The <c>aux_file</c> text.</summary>
    public required string AuxFile { get; init; }

    /// <summary>The <c>cal_min</c> display range bound.</summary>
    public required double CalMin { get; init; }

    /// <summary>The <c>cal_max</c> display range bound.</summary>
    public required double CalMax { get; init; }

    /// <summary>Size of the fixed header in bytes: 348 (NIfTI-1) or 540 (NIfTI-2).</summary>
    public int HeaderSize => Version == NiftiVersion.Nifti1 ? NiftiHeaderLayout.Nifti1HeaderSize : NiftiHeaderLayout.Nifti2HeaderSize;

    /// <summary>The number of dimensions, dim[0].</summary>
    public int Rank => (int)Dim[0];

    /// <summary>The array shape in nibabel's order, dim[1..rank].</summary>
    public long[] Shape => Dim.Skip(1).Take(Rank).ToArray();

    /// <summary>The number of voxels over all dimensions.</summary>
    public long VoxelCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>True when data values are transformed as raw·slope + inter on reading (nibabel's rules: slope 0 or non-finite means none, and so does slope 1 with inter 0).</summary>
    public bool HasScaling => SclSlope != 0 && double.IsFinite(SclSlope) && !(SclSlope == 1 && SclInter == 0);

    /// <summary>Which fields <see cref="GetBestAffine"/> uses.</summary>
    public NiftiAffineSource AffineSource => NiftiAffines.SourceOf(this);

    /// <summary>The voxel-to-world affine exactly as nibabel's <c>get_best_affine</c> computes it.</summary>
    /// <exception cref="NiftiFormatException">The chosen transform is invalid (non-unit quaternion, non-finite values).</exception>
    public AffineMatrix GetBestAffine() => NiftiAffines.Best(this);
}
