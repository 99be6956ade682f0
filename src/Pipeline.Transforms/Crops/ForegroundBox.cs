using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Crops;

/// <summary>The bounding box of the true voxels of a mask, found from per-axis projections (no list of voxel indices).</summary>
internal static class ForegroundBox
{
    /// <summary>First and last true index per spatial axis of <paramref name="mask"/> (bool, spatial axes only), or null when nothing is true.</summary>
    public static (long First, long Last)[]? Of(Tensor mask)
    {
        using var scope = NewDisposeScope();
        var rank = (int)mask.dim();
        var box = new (long, long)[rank];
        for (var a = 0; a < rank; a++)
        {
            var projection = mask;
            for (var d = rank - 1; d >= 0; d--)
                if (d != a) projection = projection.any(d);
            var hits = projection.nonzero();
            if (hits.shape[0] == 0) return null;
            box[a] = (hits[0, 0].item<long>(), hits[-1, 0].item<long>());
        }
        return box;
    }

    /// <summary>True where any channel of <paramref name="data"/> ([C, spatial…]) is greater than <paramref name="threshold"/>.</summary>
    public static Tensor AnyChannelAbove(Tensor data, double threshold) => data.GreaterThan(threshold).any(0);
}
