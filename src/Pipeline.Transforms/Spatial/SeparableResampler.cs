using Pipeline.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Spatial;

/// <summary>The fast path of <see cref="AffineResampler"/> for index maps without rotation or shear: (bi/tri)linear and nearest interpolation are separable, so each axis is resampled in turn (index_select and lerp, or a small matrix product for the innermost axis).</summary>
internal static class SeparableResampler
{
    /// <summary>Largest source length for which the innermost axis is resampled by a matrix product (n multiply-adds per output voxel).</summary>
    private const long MatmulMaxSource = 64;

    /// <summary>Contiguous runs at least this long (the voxels behind the resampled axis) make index_select efficient.</summary>
    private const long MinGatherRun = 32;

    /// <summary>Resamples <paramref name="data"/>; target axis c reads source axis <paramref name="sourceAxes"/>[c] at s = M[r, c]·t + M[r, 3].</summary>
    public static Tensor Resample(Tensor data, int[] sourceAxes, AffineMatrix indexMap, long[] targetShape,
        Interpolation interpolation, ResamplePadding padding, double paddingValue)
    {
        var rank = targetShape.Length;
        using var scope = NewDisposeScope();

        // Bring the source axes into target order first, so that axis c of x is what target axis c reads.
        var x = data;
        if (sourceAxes.Where((r, c) => r != c).Any())
            x = x.permute([0, .. sourceAxes.Select(r => (long)r + 1)]);
        if (interpolation == Interpolation.Linear && x.dtype != AffineResampler.LinearType(data))
            x = x.to_type(AffineResampler.LinearType(data));

        var sourceShape = x.shape;
        var outside = new long[rank][];
        // Shrinking axes first keeps the intermediate volumes (and the work on later axes) small.
        var order = Enumerable.Range(0, rank).OrderBy(c => (double)targetShape[c] / sourceShape[c + 1]).ToList();
        foreach (var c in order)
        {
            var n = sourceShape[c + 1];
            var scale = indexMap[sourceAxes[c], c];
            var offset = indexMap[sourceAxes[c], 3];
            var coords = new double[targetShape[c]];
            for (var t = 0; t < coords.Length; t++) coords[t] = scale * t + offset;
            outside[c] = Enumerable.Range(0, coords.Length).Where(t => coords[t] < -0.5 || coords[t] >= n - 0.5).Select(t => (long)t).ToArray();

            if (IsIdentity(coords, n)) continue;
            x = ResampleAxis(x, c + 1, coords, n, interpolation);
        }

        // Every result below must be a tensor of our own: index_fill_ writes in place and the caller owns what we return.
        if (ReferenceEquals(x, data)) x = x.clone();
        x = x.contiguous();
        if (padding == ResamplePadding.Constant)
        {
            using var fill = paddingValue.ToScalar();
            for (var c = 0; c < rank; c++)
                if (outside[c].Length > 0)
                    x.index_fill_(c + 1, tensor(outside[c]), fill);
        }
        return x.MoveToOuterDisposeScope();
    }

    private static Tensor ResampleAxis(Tensor x, long dim, double[] coords, long n, Interpolation interpolation)
    {
        var run = x.shape.Skip((int)dim + 1).Aggregate(1L, (a, b) => a * b);
        if (run >= MinGatherRun || dim == 1) return Gather(x, dim, coords, n, interpolation);

        // index_select along the innermost axis copies one element at a time and is an order of magnitude slower than
        // along outer axes. A short innermost axis is resampled as x · W with the interpolation weights in W; non-finite
        // values would leak through the zero weights (0 · NaN), so such data, and longer axes, take the other route:
        // move the axis outwards, gather whole planes, move it back.
        if (dim == x.dim() - 1 && n <= MatmulMaxSource && x.is_floating_point())
        {
            // A sum is several times cheaper than isfinite().all() and is non-finite whenever some value is (an overflow
            // of huge finite values only sends the data down the slower route).
            using var sum = x.sum();
            if (double.IsFinite(sum.ToDouble())) return x.matmul(WeightMatrix(coords, n, interpolation, x.dtype));
        }
        var order = Enumerable.Range(0, (int)x.dim()).Select(d => (long)d).ToList();
        order.RemoveAt((int)dim);
        order.Insert(1, dim);
        var outward = x.permute(order.ToArray()).contiguous();
        var resampled = Gather(outward, 1, coords, n, interpolation);
        var back = Enumerable.Range(0, (int)x.dim()).Select(d => (long)order.IndexOf(d)).ToArray();
        return resampled.permute(back).contiguous();
    }

    /// <summary>The [n, T] matrix whose column t holds the interpolation weights of target t over the n source voxels.</summary>
    private static Tensor WeightMatrix(double[] coords, long n, Interpolation interpolation, ScalarType type)
    {
        var weights = new double[n * coords.Length];
        for (var t = 0; t < coords.Length; t++)
        {
            if (interpolation == Interpolation.Nearest)
            {
                weights[NearestIndex(coords[t], n) * coords.Length + t] = 1;
                continue;
            }
            var (lower, upper, w) = LinearWeights(coords[t], n);
            weights[lower * coords.Length + t] += 1 - w;
            weights[upper * coords.Length + t] += w;
        }
        return tensor(weights, [n, coords.Length], dtype: type);
    }

    private static Tensor Gather(Tensor x, long dim, double[] coords, long n, Interpolation interpolation) =>
        interpolation == Interpolation.Nearest ? Nearest(x, dim, coords, n) : Linear(x, dim, coords, n);

    private static long NearestIndex(double s, long n) => (long)Math.Clamp(Math.Floor(s + 0.5), 0, n - 1);

    private static (long Lower, long Upper, double Weight) LinearWeights(double s, long n)
    {
        var clamped = Math.Clamp(s, 0, n - 1);
        var lower = (long)Math.Floor(clamped);
        var weight = clamped - lower;
        // On a voxel centre read only that voxel, so a NaN neighbour does not leak in through a zero weight.
        return (lower, weight == 0 ? lower : Math.Min(lower + 1, n - 1), weight);
    }

    private static bool IsIdentity(double[] coords, long n) =>
        coords.Length == n && coords.Select((s, t) => s == t).All(same => same);

    private static Tensor Nearest(Tensor x, long dim, double[] coords, long n) =>
        x.index_select(dim, tensor(coords.Select(s => NearestIndex(s, n)).ToArray()));

    private static Tensor Linear(Tensor x, long dim, double[] coords, long n)
    {
        var lower = new long[coords.Length];
        var upper = new long[coords.Length];
        var weight = new double[coords.Length];
        for (var t = 0; t < coords.Length; t++) (lower[t], upper[t], weight[t]) = LinearWeights(coords[t], n);
        var below = x.index_select(dim, tensor(lower));
        if (weight.All(w => w == 0)) return below;
        var above = x.index_select(dim, tensor(upper));
        var shape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        shape[dim] = coords.Length;
        var w = tensor(weight, dtype: x.dtype).reshape(shape);
        return below.lerp_(above, w);
    }
}
