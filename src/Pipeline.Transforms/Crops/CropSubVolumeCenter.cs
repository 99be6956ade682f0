using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Transforms.Crops;

/// <summary>Cuts a fixed-size box from the middle of each field (e.g. to give validation a fixed input size); axes shorter than the box are padded.</summary>
/// <remarks>
/// Clara's exact rounding is unknown, so MONAI's is used: the start is <c>n/2 − size/2</c> (integer division) where the
/// box fits, and an axis shorter than the box is padded symmetrically (<c>(size − n)/2</c> voxels before the image)
/// with 0, MONAI's constant padding value, for images and labels alike. The affine is translated by the start.
/// </remarks>
[Component(ComponentKind.Transform, "CropSubVolumeCenter")]
public sealed class CropSubVolumeCenter : ITransform, IDeclaresFields, IDeclaresCropSize
{
    private readonly string[] _fields;
    private readonly CropSizeArg _size;

    /// <inheritdoc />
    public IReadOnlyList<int> CropSize => _size.Configured;

    /// <summary>Creates the transform.</summary>
    /// <param name="size">Box size in voxels per spatial axis (one entry = the same for every axis).</param>
    /// <param name="fields">Fields to crop; they must share one voxel grid.</param>
    public CropSubVolumeCenter(int[] size, string[] fields)
    {
        _size = new CropSizeArg(size);
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        _fields = FieldCropper.Union(fields);
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        FieldCropper.Apply<CropWindow>(context, _fields, nameof(CropSubVolumeCenter),
            (_, volume) => [CropWindow.Centred(volume[0].SpatialShape, _size.For(volume[0], nameof(CropSubVolumeCenter), _fields[0], context.Sample))],
            (_, image, window) => window.Extract(image),
            alwaysBatch: false);
}
