using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Intensity;
using Pipeline.Transforms.Spatial;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Loading;

/// <summary>
/// What every image loader does with its fields: read the path(s) each names (several paths become channels), reorient
/// 3-D images to RAS when asked, convert the dtype. Subclasses say how a path is read.
/// </summary>
/// <remarks>An image handed in already read (an embedding application's stream or voxel array) is taken as loaded; the context keeps owning it.</remarks>
public abstract class ImageLoader : ITransform, ISetsImageGeometry, ILoadsFiles
{
    private readonly string[] _fields;
    private readonly ScalarType? _dtype;
    private readonly bool _asClosestCanonical;

    /// <summary>Validates the common args.</summary>
    /// <param name="fields">Fields holding a path or a list of paths (channels).</param>
    /// <param name="dtype">Voxel type of the loaded data: float32 (Clara's default), float64, float16, uint8, int8, int16, int32, int64, or native (the file's type).</param>
    /// <param name="asClosestCanonical">Reorient to the closest RAS+ axis order by permuting and flipping axes, as nibabel's <c>as_closest_canonical</c>.</param>
    protected ImageLoader(string[] fields, string dtype, bool asClosestCanonical)
    {
        _fields = TransformArgs.Fields(fields);
        _dtype = LoadedDataTypes.Parse(dtype);
        _asClosestCanonical = asClosestCanonical;
    }

    /// <summary>Reads the image at one path.</summary>
    protected abstract MedicalImage Read(string path);

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public virtual bool AcceptsFolders => false;

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
            var given = context.Get(field) as MedicalImage;
            var image = given ?? ChannelFiles.Load(FieldPaths.Of(context, field, GetType().Name), Read);
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
