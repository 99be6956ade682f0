using System.IO.Compression;
using System.Runtime.InteropServices;
using Pipeline.Imaging;
using Pipeline.IO;
using static TorchSharp.torch;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Writes <see cref="MedicalImage"/>s as single-file NIfTI-1 (.nii, or .nii.gz gzipped), atomically.</summary>
/// <remarks>
/// Geometry is stored as nibabel's <c>Nifti1Image(data, affine)</c> stores it (sform_code 2, qform fields filled with
/// qform_code 0, vox_offset 352). Channels C &gt; 1 become the 4th dimension (a 2-D image with channels is written as
/// [i, j, 1, C]). Data are written in this machine's byte order, which the header records.
/// </remarks>
public static class NiftiWriter
{
    /// <summary>NIfTI-1 stores sizes as int16.</summary>
    private const long MaxNifti1Size = short.MaxValue;

    /// <summary>
    /// Writes <paramref name="image"/> to <paramref name="path"/> (.nii or .nii.gz) as <paramref name="dtype"/>. The file
    /// appears complete or not at all: the data go to a temporary file in the same folder, which then replaces the target.
    /// </summary>
    /// <param name="image">The image; its data are not modified.</param>
    /// <param name="path">Target file; an existing file is replaced.</param>
    /// <param name="dtype">
    /// The on-disk datatype. Null keeps the tensor's type (bool → uint8, float16/bfloat16 → float32), except that int64
    /// data are written as int32 when every value fits, as nibabel's <c>dtype='compat'</c> does, because many tools cannot
    /// read int64. Converting to an integer type rounds to nearest (ties to even), clips to the type's range and turns
    /// NaN into 0, as nibabel does when it writes without scaling.
    /// </param>
    /// <exception cref="ArgumentException">The path is not .nii/.nii.gz, the datatype is not supported, or a size exceeds NIfTI-1's 32767.</exception>
    public static void Write(MedicalImage image, string path, NiftiDataType? dtype = null) =>
        Write(image, new OutputFolder(Path.GetDirectoryName(Path.GetFullPath(path))!, "the output path"), path, dtype);

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> inside <paramref name="folder"/> (see the other overload).</summary>
    /// <exception cref="OutputPathException">The path lies outside the folder or leads out of it through a link.</exception>
    public static void Write(MedicalImage image, OutputFolder folder, string path, NiftiDataType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(folder);
        path = folder.Resolve(path);
        var gzip = path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
        if (!gzip && !path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{path}: NIfTI output must be named .nii or .nii.gz", nameof(path));
        var type = dtype ?? DefaultType(image.Data);
        if (!type.IsSupported())
            throw new ArgumentException($"NIfTI datatype {(int)type} cannot be written", nameof(dtype));

        // Fortran shape [i, j, k, C], with C and a unit k dropped when they carry nothing.
        var spatial = image.SpatialShape;
        var shape = new List<long>(spatial);
        if (image.Channels > 1)
        {
            if (shape.Count == 2) shape.Add(1);
            shape.Add(image.Channels);
        }
        if (shape.Any(s => s > MaxNifti1Size))
            throw new ArgumentException($"{path}: shape [{string.Join(", ", shape)}] exceeds NIfTI-1's limit of {MaxNifti1Size} per dimension", nameof(image));
        var header = NiftiHeaderEncoder.Encode(shape, type, image.Affine);

        using var converted = NiftiVoxelEncoder.Convert(image.Data, type);
        folder.Write(path, file =>
        {
            using var output = gzip ? new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true) : null;
            var stream = (Stream?)output ?? file;
            stream.Write(header);
            WriteFortranOrder(converted, stream, type.ByteSize());
        });
    }

    /// <summary>The datatype <see cref="Write(MedicalImage, OutputFolder, string, NiftiDataType?)"/> uses when none is given.</summary>
    public static NiftiDataType DefaultType(Tensor data)
    {
        var type = NiftiDataTypeInfo.FromTensorType(data.dtype)
            ?? throw new ArgumentException($"tensor dtype {data.dtype} has no NIfTI datatype", nameof(data));
        if (type != NiftiDataType.Int64 || data.numel() == 0) return type;
        using var min = data.min();
        using var max = data.max();
        return min.item<long>() >= int.MinValue && max.item<long>() <= int.MaxValue ? NiftiDataType.Int32 : NiftiDataType.Int64;
    }

    /// <summary>Streams [C, i, j(, k)] data in NIfTI's Fortran order (i fastest, channels slowest).</summary>
    private static unsafe void WriteFortranOrder(Tensor channelsFirst, Stream stream, int elementSize)
    {
        var dims = channelsFirst.shape;
        // C order [C, i, j, k] is the Fortran layout of [k, j, i, C]; reordering that to C order [C, k, j, i] gives NIfTI's
        // Fortran bytes of [i, j, k, C]. A 2-D [C, i, j] is handled as [j, 1, i, C].
        var sizes = dims.Length == 4 ? new[] { dims[3], dims[2], dims[1], dims[0] } : new[] { dims[2], 1, dims[1], dims[0] };
        var totalBytes = channelsFirst.numel() * elementSize;
        var ordered = (byte*)NativeMemory.AlignedAlloc((nuint)totalBytes, 64);
        try
        {
            new FortranToCOrder((IntPtr)ordered, sizes, elementSize).CopyAll(TensorMemory.DataPointer(channelsFirst));
            for (long offset = 0; offset < totalBytes; offset += 1 << 24)
                stream.Write(new ReadOnlySpan<byte>(ordered + offset, (int)Math.Min(1 << 24, totalBytes - offset)));
        }
        finally
        {
            NativeMemory.AlignedFree(ordered);
        }
    }
}
