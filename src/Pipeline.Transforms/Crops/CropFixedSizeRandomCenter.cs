using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Transforms.Crops;

/// <summary>Cuts a fixed-size box at a uniformly random position inside the image, the same box from every field; no label balancing.</summary>
/// <remarks>
/// Follows MONAI's RandSpatialCrop: the start is uniform in [0, n − size] per axis, so every position that keeps the
/// box inside the image is equally likely. An axis shorter than the box is not randomised but padded symmetrically
/// with 0 (images and labels). The affine is translated by the start.
/// </remarks>
[Component(ComponentKind.Transform, "CropFixedSizeRandomCenter")]
public sealed class CropFixedSizeRandomCenter : ITransform, IDeclaresFields, IDeclaresCropSize
{
    private readonly string[] _fields;
    private readonly CropSizeArg _size;

    /// <inheritdoc />
    public IReadOnlyList<int> CropSize => _size.Configured;

    /// <summary>Creates the transform.</summary>
    /// <param name="size">Box size in voxels per spatial axis (one entry = the same for every axis).</param>
    /// <param name="fields">Fields to crop; they must share one voxel grid.</param>
    public CropFixedSizeRandomCenter(int[] size, string[] fields)
    {
        _size = new CropSizeArg(size);
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        _fields = FieldCropper.Union(fields);
    }

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        var random = context.CreateRandom();
        FieldCropper.Apply<CropWindow>(context, _fields, nameof(CropFixedSizeRandomCenter),
            (_, volume) => [CropWindow.Random(volume[0].SpatialShape, _size.For(volume[0], nameof(CropFixedSizeRandomCenter), _fields[0], context.Sample), random)],
            (_, image, window) => window.Extract(image),
            alwaysBatch: false);
    }
}
