using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Crops;

/// <summary>An axis-aligned box of voxels [start, start + size) to cut from an image; parts outside the image are padded.</summary>
/// <remarks>
/// A start may be negative and a box may reach past the far border: the voxels outside the image get the pad value.
/// The crop's affine is <c>affine · T(start)</c> (a translation by the start in voxel space), so every voxel keeps
/// its world position, padded ones included.
/// </remarks>
public sealed class CropWindow
{
    /// <summary>Creates a window; both arrays have one entry per spatial axis and sizes are positive.</summary>
    public CropWindow(long[] start, long[] size)
    {
        if (start.Length != size.Length || start.Length is < 1 or > 3)
            throw new ArgumentException("start and size need one entry per spatial axis (1 to 3)");
        if (size.Any(s => s <= 0)) throw new ArgumentException("window sizes must be positive", nameof(size));
        Start = (long[])start.Clone();
        Size = (long[])size.Clone();
    }

    /// <summary>First voxel index of the window per axis (negative when the window starts in the padding).</summary>
    public IReadOnlyList<long> Start { get; }

    /// <summary>Voxel count per axis.</summary>
    public IReadOnlyList<long> Size { get; }

    /// <summary>The start that places a window of <paramref name="size"/> at the middle of an axis of <paramref name="extent"/> voxels.</summary>
    /// <remarks>
    /// When the window fits, MONAI's CenterSpatialCrop rule <c>extent/2 − size/2</c> (integer division); otherwise
    /// MONAI's symmetric SpatialPad rule: the image sits in the middle with <c>(size − extent)/2</c> padded voxels before it.
    /// </remarks>
    public static long CentredStart(long extent, long size) => extent >= size ? extent / 2 - size / 2 : -((size - extent) / 2);

    /// <summary>The start of a window of <paramref name="size"/> whose middle voxel (index <c>size/2</c>) is as close to <paramref name="centre"/> as the image allows.</summary>
    /// <remarks>MONAI's RandCropByPosNegLabel centre correction: the window is shifted to lie inside the image; an axis shorter than the window is padded symmetrically.</remarks>
    public static long StartAround(long centre, long extent, long size) =>
        extent >= size ? Math.Clamp(centre - size / 2, 0, extent - size) : CentredStart(extent, size);

    /// <summary>A window of <paramref name="size"/> in the middle of <paramref name="shape"/>.</summary>
    public static CropWindow Centred(IReadOnlyList<long> shape, long[] size) =>
        new(size.Select((s, a) => CentredStart(shape[a], s)).ToArray(), size);

    /// <summary>A window of <paramref name="size"/> around <paramref name="centre"/>, shifted to lie inside <paramref name="shape"/>.</summary>
    public static CropWindow Around(IReadOnlyList<long> centre, IReadOnlyList<long> shape, long[] size) =>
        new(size.Select((s, a) => StartAround(centre[a], shape[a], s)).ToArray(), size);

    /// <summary>A window of <paramref name="size"/> at a uniformly random position inside <paramref name="shape"/> (MONAI RandSpatialCrop); axes shorter than the window are padded symmetrically.</summary>
    public static CropWindow Random(IReadOnlyList<long> shape, long[] size, SampleRandom random) =>
        new(size.Select((s, a) => shape[a] >= s ? random.NextInt64(shape[a] - s + 1) : CentredStart(shape[a], s)).ToArray(), size);

    /// <summary>The affine of the cropped image: <paramref name="affine"/> · T(start).</summary>
    public AffineMatrix AffineOf(AffineMatrix affine)
    {
        var shift = AffineMatrix.Identity.ToArray();
        for (var a = 0; a < Start.Count; a++) shift[a, 3] = Start[a];
        return affine.Multiply(AffineMatrix.FromArray(shift));
    }

    /// <summary>A new image holding the window's voxels (a copy, never a view of the source); the caller keeps ownership of <paramref name="image"/>.</summary>
    /// <param name="image">The source image; its spatial rank must equal the window's.</param>
    /// <param name="padValue">Value of voxels outside the image.</param>
    public MedicalImage Extract(MedicalImage image, double padValue = 0)
    {
        if (image.SpatialRank != Start.Count)
            throw new ArgumentException($"a {Start.Count}D window cannot crop an image with {image.SpatialRank} spatial axes", nameof(image));
        using var scope = NewDisposeScope();
        var shape = image.SpatialShape;
        var outShape = new long[Start.Count + 1];
        outShape[0] = image.Channels;
        for (var a = 0; a < Start.Count; a++) outShape[a + 1] = Size[a];

        // One fresh tensor filled with the pad value, then one copy of the overlap: a view would keep the whole source volume alive.
        var result = HeldScalars.Full(outShape, padValue, image.Data.dtype);
        Tensor source = image.Data, target = result;
        var empty = false;
        for (var a = 0; a < Start.Count; a++)
        {
            var lo = Math.Max(Start[a], 0);
            var hi = Math.Min(Start[a] + Size[a], shape[a]);
            if (hi <= lo)
            {
                empty = true;
                break;
            }
            source = source.narrow(a + 1, lo, hi - lo);
            target = target.narrow(a + 1, lo - Start[a], hi - lo);
        }
        if (!empty) target.copy_(source);
        return image.With(result.MoveToOuterDisposeScope(), AffineOf(image.Affine));
    }

    /// <inheritdoc />
    public override string ToString() => $"start [{string.Join(", ", Start)}] size [{string.Join(", ", Size)}]";
}
