using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Spatial;

/// <summary>Pads an image's spatial axes and shifts its affine so every original voxel keeps its world position.</summary>
public static class ImagePadding
{
    /// <summary>A new image with <paramref name="before"/>[a] voxels added at the start and <paramref name="after"/>[a] at the end of spatial axis a; the caller keeps ownership of <paramref name="image"/>.</summary>
    /// <param name="image">The image.</param>
    /// <param name="before">Voxels added before index 0, per spatial axis (≥ 0).</param>
    /// <param name="after">Voxels added after the last index, per spatial axis (≥ 0).</param>
    /// <param name="mode">How the new voxels are filled; edge and reflect work for any pad width (reflect repeats the mirror, as numpy).</param>
    /// <param name="value">Fill value of <see cref="PadMode.Constant"/>, cast to the image's dtype.</param>
    public static MedicalImage Pad(MedicalImage image, IReadOnlyList<long> before, IReadOnlyList<long> after, PadMode mode, double value = 0)
    {
        var rank = image.SpatialRank;
        if (before.Count != rank || after.Count != rank) throw new ArgumentException($"give one pad width per spatial axis ({rank})");
        if (before.Concat(after).Any(p => p < 0)) throw new ArgumentException("pad widths must not be negative");
        var shape = image.SpatialShape;
        var affine = image.Affine.Multiply(IndexMaps.Shift(before));

        using var scope = NewDisposeScope();
        Tensor data;
        if (before.Concat(after).All(p => p == 0)) data = image.Data.clone();
        else if (mode == PadMode.Constant)
        {
            data = HeldScalars.Full([image.Channels, .. shape.Select((n, a) => n + before[a] + after[a])], value, image.Data.dtype);
            var inner = data;
            for (var a = 0; a < rank; a++) inner = inner.narrow(a + 1, before[a], shape[a]);
            inner.copy_(image.Data);
        }
        else
        {
            // Edge and reflect are gathers: each output index along an axis reads one source index.
            data = image.Data;
            for (var a = 0; a < rank; a++)
            {
                if (before[a] == 0 && after[a] == 0) continue;
                var n = shape[a];
                var source = new long[n + before[a] + after[a]];
                for (var t = 0; t < source.Length; t++)
                    source[t] = mode == PadMode.Edge ? Math.Clamp(t - before[a], 0, n - 1) : Reflect(t - before[a], n);
                data = data.index_select(a + 1, tensor(source));
            }
        }
        return image.With(data.MoveToOuterDisposeScope(), affine);
    }

    /// <summary>numpy's <c>reflect</c>: mirror about the edge voxels without repeating them, period 2(n − 1).</summary>
    private static long Reflect(long index, long n)
    {
        if (n == 1) return 0;
        var period = 2 * (n - 1);
        var m = ((index % period) + period) % period;
        return m < n ? m : period - m;
    }
}
