using Pipeline.Imaging;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Reads NIfTI-1/NIfTI-2 images (.nii, .nii.gz, .hdr/.img pairs with optional gzip, either byte order) into <see cref="MedicalImage"/>s.</summary>
/// <remarks>
/// Data come back as [C, i, j(, k)] in NIfTI voxel index order (nibabel's array order), contiguous, in the file's dtype —
/// except uint16 → int32 and uint32 → int64, since torch has no unsigned 16/32-bit types. When scl_slope/scl_inter apply
/// (nibabel's rules) the data are raw·slope + inter as float32 (float64 for float64 files). A rank-2 file gives a 2-D
/// image [C, i, j]; dimensions 4 and up become channels, C = dim4·dim5·…, in nibabel's C order. The affine is
/// nibabel's <c>get_best_affine</c>.
/// </remarks>
public static class NiftiReader
{
    /// <summary>Voxel data larger than this (8 GiB) are refused rather than allocated.</summary>
    public const long MaxDataBytes = 8L << 30;

    /// <summary>Reads only the header of the image at <paramref name="path"/> (.nii, .nii.gz, .hdr, .img, optionally gzipped).</summary>
    /// <exception cref="NiftiFormatException">The file is not a readable NIfTI header.</exception>
    /// <exception cref="FileNotFoundException">The file, or the partner of a .hdr/.img pair, does not exist.</exception>
    public static NiftiHeader ReadHeader(string path)
    {
        var files = NiftiFileSet.Resolve(path);
        using var source = NiftiSource.Open(files.HeaderFile);
        return ReadHeader(source, files);
    }

    /// <summary>Reads the image at <paramref name="path"/>; what it reads past (bytes after the gzip data) goes to <see cref="NiftiWarnings"/>.</summary>
    /// <exception cref="NiftiFormatException">The file is malformed, truncated, too large or of an unsupported datatype, or its affine is singular or not finite; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">The file, or the partner of a .hdr/.img pair, does not exist.</exception>
    public static MedicalImage Read(string path)
    {
        var files = NiftiFileSet.Resolve(path);
        using var headerSource = NiftiSource.Open(files.HeaderFile);
        var header = ReadHeader(headerSource, files);
        var file = files.DataFile;

        if (header.Rank < 2)
            throw new NiftiFormatException(file, $"a {header.Rank}-D array is not an image (need at least 2 dimensions)");
        if (!header.DataType.IsSupported())
            throw new NiftiFormatException(file, $"datatype {(int)header.DataType} is not supported (supported: uint8, int8, int16, uint16, int32, uint32, int64, float32, float64)");
        var dataBytes = header.VoxelCount * header.DataType.ByteSize();
        if (dataBytes > MaxDataBytes)
            throw new NiftiFormatException(file, $"the header describes {dataBytes} bytes of voxel data, more than the {MaxDataBytes}-byte limit");
        if (header.HasScaling && !double.IsFinite(header.SclInter))
            throw new NiftiFormatException(file, $"scl_slope is {header.SclSlope} but scl_inter is {header.SclInter}");
        var affine = header.GetBestAffine();

        var ownsDataSource = !files.IsSingleFile;
        var dataSource = ownsDataSource ? NiftiSource.Open(files.DataFile) : headerSource;
        try
        {
            dataSource.CheckHolds(header.DataOffset + dataBytes, "the voxel data");
            dataSource.SkipTo(header.DataOffset, "the voxel data");
            var data = NiftiVoxelDecoder.Read(dataSource, header);
            try
            {
                dataSource.Finish();
                if (ownsDataSource) headerSource.Finish();
            }
            catch
            {
                data.Dispose();
                throw;
            }
            var properties = new ImageProperties
            {
                SourceFiles = [Path.GetFullPath(path)],
                OriginalAffine = affine,
                OriginalSpatialShape = data.shape[1..],
            };
            return new MedicalImage(data, affine, properties);
        }
        finally
        {
            if (ownsDataSource) dataSource.Dispose();
        }
    }

    private static NiftiHeader ReadHeader(NiftiSource source, NiftiFileSet files)
    {
        Span<byte> bytes = stackalloc byte[NiftiHeaderLayout.Nifti2HeaderSize];
        // Read as much as a NIfTI-1 header first: a file with a damaged sizeof_hdr is still known by its magic.
        var n = source.ReadUpTo(bytes[..NiftiHeaderLayout.Nifti1HeaderSize]);
        var (version, _) = NiftiHeaderParser.Identify(bytes[..n], source.Path);
        var size = version == NiftiVersion.Nifti1 ? NiftiHeaderLayout.Nifti1HeaderSize : NiftiHeaderLayout.Nifti2HeaderSize;
        if (n < size) n += source.ReadUpTo(bytes[n..size]);
        if (n < size)
            throw new NiftiFormatException(source.Path,
                $"the file is truncated: the {(version == NiftiVersion.Nifti1 ? "NIfTI-1" : "NIfTI-2")} header needs {size} bytes but the {(source.IsGzip ? "uncompressed gzip data have" : "file has")} only {n}");
        return NiftiHeaderParser.Parse(bytes[..size], files.IsSingleFile, source.Path);
    }
}
