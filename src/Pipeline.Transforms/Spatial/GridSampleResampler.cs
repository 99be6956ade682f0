using Pipeline.Imaging;
using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Spatial;

/// <summary>The general path of <see cref="AffineResampler"/> (rotations, shears): torch's grid_sample over slabs of the output, so the sampling grid stays a few tens of MB whatever the volume size.</summary>
internal static class GridSampleResampler
{
    /// <summary>Target voxels per slab: the float64 coordinates of a slab then take 3 × 8 × 2²¹ bytes = 48 MB at most.</summary>
    private const long SlabVoxels = 1L << 21;

    public static Tensor Resample(Tensor data, AffineMatrix indexMap, long[] targetShape,
        Interpolation interpolation, ResamplePadding padding, double paddingValue)
    {
        var rank = targetShape.Length;
        var sourceShape = data.shape[1..];
        var type = AffineResampler.LinearType(data);
        using var scope = NewDisposeScope();

        // grid_sample wants floating data; nearest converts back to the input dtype at the end (exact for labels below 2^24).
        var input = data.to_type(type).unsqueeze(0);
        var output = empty([data.shape[0], .. targetShape], dtype: type);
        var planeVoxels = targetShape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var rowsPerSlab = Math.Max(1, SlabVoxels / planeVoxels);
        var mode = interpolation == Interpolation.Nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear;

        for (long start = 0; start < targetShape[0]; start += rowsPerSlab)
        {
            using var slabScope = NewDisposeScope();
            var rows = Math.Min(rowsPerSlab, targetShape[0] - start);

            // Target index tensors shaped to broadcast against each other: [rows,1(,1)], [1,n1(,1)], [1,1,n2].
            var index = new Tensor[rank];
            for (var c = 0; c < rank; c++)
            {
                var shape = Enumerable.Repeat(1L, rank).ToArray();
                shape[c] = c == 0 ? rows : targetShape[c];
                index[c] = (c == 0
                    ? HeldScalars.Range(start, start + rows, 1, ScalarType.Float64)
                    : HeldScalars.Range(targetShape[c], ScalarType.Float64)).reshape(shape);
            }

            Tensor? inside = null;
            var normalised = new Tensor[rank];
            for (var r = 0; r < rank; r++)
            {
                var s = HeldScalars.Full(Enumerable.Repeat(1L, rank).ToArray(), indexMap[r, 3], ScalarType.Float64);
                for (var c = 0; c < rank; c++)
                    if (indexMap[r, c] != 0) s = s.Plus(index[c].Times(indexMap[r, c]));
                var n = sourceShape[r];
                if (padding == ResamplePadding.Constant)
                {
                    var axisInside = s.GreaterOrEqual(-0.5).logical_and(s.LessThan(n - 0.5));
                    inside = inside is null ? axisInside : inside.logical_and(axisInside);
                }
                if (interpolation == Interpolation.Nearest) s = s.Plus(0.5).floor();
                s = s.Clamped(0, n - 1);
                // align_corners = false: index s sits at (2s + 1)/n − 1 in grid_sample's normalised coordinates.
                normalised[r] = s.Times(2).Plus(1).DividedBy(n).Minus(1).expand(index.Select(t => t.shape).Aggregate(Broadcast));
            }

            // grid_sample's last grid dimension lists coordinates from the last data axis to the first.
            var grid = stack(normalised.Reverse().ToArray(), -1).to_type(type).unsqueeze(0);
            var slab = nn.functional.grid_sample(input, grid, mode, GridSamplePaddingMode.Border, align_corners: false).squeeze(0);
            if (inside is not null)
                slab = slab.MaskedFill(inside.logical_not().unsqueeze(0), paddingValue);
            output.narrow(1, start, rows).copy_(slab);
        }

        var result = interpolation == Interpolation.Nearest && data.dtype != type ? output.to_type(data.dtype) : output;
        return result.MoveToOuterDisposeScope();
    }

    private static long[] Broadcast(long[] a, long[] b) => a.Zip(b, Math.Max).ToArray();
}
