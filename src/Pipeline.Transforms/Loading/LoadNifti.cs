using Pipeline.Components;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Transforms.Loading;

/// <summary>Replaces the file path(s) in each field with the NIfTI image they name; a list of files in one field becomes the channels of one image.</summary>
/// <remarks>
/// Data are [C, i, j(, k)] in the file's voxel order with nibabel's affine (see <see cref="NiftiReader"/>); dimensions 4 and up
/// of a file are its channels. <c>as_closest_canonical</c> permutes and flips 3-D images to RAS+ (no resampling) and leaves 2-D
/// images alone. Clara's reader option <c>nii_is_channels_first</c> is not supported (our images are always channels-first).
/// </remarks>
[Component(ComponentKind.Transform, "LoadNifti")]
public sealed class LoadNifti : ImageLoader
{
    /// <summary>Creates the loader.</summary>
    /// <param name="fields">Fields holding a path or a list of paths (channels).</param>
    /// <param name="dtype">Voxel type of the loaded data: float32 (Clara's default), float64, float16, uint8, int8, int16, int32, int64, or native (the file's type).</param>
    /// <param name="asClosestCanonical">Reorient to the closest RAS+ axis order by permuting and flipping axes, as nibabel's <c>as_closest_canonical</c>.</param>
    public LoadNifti(string[] fields, string dtype = "float32", bool asClosestCanonical = false) : base(fields, dtype, asClosestCanonical)
    {
    }

    /// <inheritdoc />
    protected override MedicalImage Read(string path) => NiftiReader.Read(path);
}
