using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Transforms.Intensity;
using Pipeline.ImageIO.Nifti;
using Pipeline.Transforms.Spatial;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Loading;

/// <summary>Replaces the file path(s) in each field with the NIfTI image they name; a list of files in one field becomes the channels of one image.</summary>
/// <remarks>
/// Data are [C, i, j(, k)] in the file's voxel order with nibabel's affine (see <see cref="NiftiReader"/>); dimensions 4 and up
/// of a file are its channels. <c>as_closest_canonical</c> permutes and flips 3-D images to RAS+ (no resampling) and leaves 2-D
/// images alone. Clara's reader option <c>nii_is_channels_first</c> is not supported (our images are always channels-first).
/// </remarks>
[Component(ComponentKind.Transform, "LoadNifti")]
public sealed class LoadNifti : ITransform, ISetsImageGeometry, ILoadsFiles
{
    private readonly string[] _fields;
    private readonly ScalarType? _dtype;
    private readonly bool _asClosestCanonical;

    /// <summary>Creates the loader.</summary>
    /// <param name="fields">Fields holding a path or a list of paths (channels).</param>
    /// <param name="dtype">Voxel type of the loaded data: float32 (Clara's default), float64, float16, uint8, int8, int16, int32, int64, or native (the file's type).</param>
    /// <param name="asClosestCanonical">Reorient to the closest RAS+ axis order by permuting and flipping axes, as nibabel's <c>as_closest_canonical</c>.</param>
    public LoadNifti(string[] fields, string dtype = "float32", bool asClosestCanonical = false)
    {
        _fields = TransformArgs.Fields(fields);
        _dtype = LoadedDataTypes.Parse(dtype);
        _asClosestCanonical = asClosestCanonical;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<double>? TargetSpacing => null;

    /// <inheritdoc />
    /// <remarks>RAS with <c>as_closest_canonical</c> (3-D images; 2-D ones are left as they are).</remarks>
    public string? TargetOrientation => _asClosestCanonical ? "RAS" : null;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
        {
            // An image handed in already read (an embedding application's stream or voxel array) is taken as loaded;
            // the context keeps owning it.
            var given = context.Get(field) as Imaging.MedicalImage;
            var image = given ?? ChannelFiles.Load(FieldPaths.Of(context, field, nameof(LoadNifti)), NiftiReader.Read);
            if (_asClosestCanonical && image.SpatialRank == 3)
            {
                try
                {
                    var canonical = Reorientation.Apply(image, "RAS");
                    if (image != given) image.Dispose();
                    image = canonical;
                }
                catch
                {
                    if (image != given) image.Dispose();
                    throw;
                }
            }
            context.Set(field, ChannelFiles.ConvertTo(image, _dtype));
        }
    }
}
