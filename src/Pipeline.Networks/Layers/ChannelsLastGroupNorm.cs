using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>Group normalisation, optionally followed by ReLU, of a channels-last CPU tensor with few channels: one read for the statistics, one pass for the output.</summary>
/// <remarks>
/// libtorch has no fused kernel for this. Its bf16 channels-last group norm walks the channels innermost (8 channels at
/// 96³: 25–45 ms), and composing the layer from tensor ops costs five bf16 passes, each converting every element to float and
/// back. Here a block of four eight-float vectors holds 32 consecutive values of the [B, spatial…, C] storage, so with C
/// dividing 32 each position of the block always sees the same channel. Sums are taken around each channel's first value,
/// in float over short runs and then in double, so the variance is not lost to cancellation; the output is computed in
/// float and rounded once.
/// </remarks>
internal static class ChannelsLastGroupNorm
{
    private const int Lanes = StoredVectors.Lanes;
    // Four vectors: a whole number of voxels for every supported channel count.
    private const int Block = 4 * Lanes;
    // Blocks summed in float before the run is added in double: short enough that the float sums keep ~1e-6 precision.
    private const int RunBlocks = 512;

    /// <summary>Whether <paramref name="x"/> ([B, C, spatial…]) can be normalised here.</summary>
    public static bool Supports(Tensor x, long channels) =>
        Vector256.IsHardwareAccelerated && x.device_type == TorchSharp.DeviceType.CPU && x.dtype is ScalarType.BFloat16 or ScalarType.Float32 &&
        Block % channels == 0 && ChannelsLast.Holds(x) && x.shape.Skip(2).Aggregate(1L, (a, b) => a * b) * channels % Block == 0;

    /// <summary>Normalises each of <paramref name="groups"/> channel groups of every sample to zero mean and unit variance, applies the per-channel affine map, and clamps at 0 when <paramref name="rectify"/>.</summary>
    public static Tensor Normalize(Tensor x, long groups, Tensor weight, Tensor bias, double eps, bool rectify)
    {
        using var scope = NewDisposeScope();
        var channels = x.shape[1];
        var samples = x.shape[0];
        var perSample = x.numel() / samples;
        var gamma = weight.to(ScalarType.Float64).data<double>().ToArray();
        var beta = bias.to(ScalarType.Float64).data<double>().ToArray();
        long[] storedShape = [samples, .. x.shape.Skip(2), channels];
        var output = empty(storedShape, x.dtype).permute(ChannelsLast.FromLast(x.dim()));
        var source = StoredVectors.AddressOf(x);
        var target = StoredVectors.AddressOf(output);
        var isBf16 = x.dtype == ScalarType.BFloat16;
        for (long n = 0; n < samples; n++)
        {
            var offset = n * perSample;
            var shift = new float[Block];
            for (var i = 0; i < Block; i++) shift[i] = StoredVectors.Read(source, offset + i % channels, isBf16);
            var (sums, squares) = SumAroundShift(source, offset, perSample, shift, isBf16);
            var (scale, offsetTerm) = AffineOf(sums, squares, shift, channels, groups, perSample / channels, gamma, beta, eps);
            var scaleTiled = new float[Block];
            var offsetTiled = new float[Block];
            for (var i = 0; i < Block; i++)
            {
                scaleTiled[i] = (float)scale[i % channels];
                offsetTiled[i] = (float)offsetTerm[i % channels];
            }
            StoredVectors.ForEachPart(perSample / Block,
                (first, last) => ApplyBlocks(source, target, offset, first, last, scaleTiled, offsetTiled, rectify, isBf16));
        }
        return output.MoveToOuterDisposeScope();
    }

    // Per position within a block: Σ(x − shift) and Σ(x − shift)², over the whole sample.
    private static (double[] Sums, double[] Squares) SumAroundShift(IntPtr source, long offset, long count, float[] shift, bool isBf16)
    {
        var sums = new double[Block];
        var squares = new double[Block];
        var gate = new object();
        StoredVectors.ForEachPart(count / Block, (first, last) =>
        {
            var (localSums, localSquares) = SumBlocks(source, offset, first, last, shift, isBf16);
            lock (gate)
            {
                for (var i = 0; i < Block; i++)
                {
                    sums[i] += localSums[i];
                    squares[i] += localSquares[i];
                }
            }
        });
        return (sums, squares);
    }

    // Four independent accumulator pairs keep the adds and multiply-adds from waiting on one another.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double[] Sums, double[] Squares) SumBlocks(IntPtr source, long offset, long first, long last, float[] shift, bool isBf16)
    {
        var sums = new double[Block];
        var squares = new double[Block];
        var lanes = new float[Lanes];
        var (h0, h1, h2, h3) = (Vector256.Create(shift, 0), Vector256.Create(shift, 8), Vector256.Create(shift, 16), Vector256.Create(shift, 24));
        for (var runStart = first; runStart < last; runStart += RunBlocks)
        {
            var runEnd = Math.Min(last, runStart + RunBlocks);
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> q0 = default, q1 = default, q2 = default, q3 = default;
            for (var b = runStart; b < runEnd; b++)
            {
                var position = offset + b * Block;
                var d0 = StoredVectors.Load(source, position, isBf16) - h0;
                var d1 = StoredVectors.Load(source, position + 8, isBf16) - h1;
                var d2 = StoredVectors.Load(source, position + 16, isBf16) - h2;
                var d3 = StoredVectors.Load(source, position + 24, isBf16) - h3;
                s0 += d0;
                s1 += d1;
                s2 += d2;
                s3 += d3;
                q0 = Vector256.FusedMultiplyAdd(d0, d0, q0);
                q1 = Vector256.FusedMultiplyAdd(d1, d1, q1);
                q2 = Vector256.FusedMultiplyAdd(d2, d2, q2);
                q3 = Vector256.FusedMultiplyAdd(d3, d3, q3);
            }
            AddLanes(s0, sums, 0, lanes);
            AddLanes(s1, sums, 8, lanes);
            AddLanes(s2, sums, 16, lanes);
            AddLanes(s3, sums, 24, lanes);
            AddLanes(q0, squares, 0, lanes);
            AddLanes(q1, squares, 8, lanes);
            AddLanes(q2, squares, 16, lanes);
            AddLanes(q3, squares, 24, lanes);
        }
        return (sums, squares);
    }

    private static void AddLanes(Vector256<float> run, double[] totals, int start, float[] lanes)
    {
        run.CopyTo(lanes);
        for (var l = 0; l < Lanes; l++) totals[start + l] += lanes[l];
    }

    // Folds the storage positions into channels and the channels into groups (Chan et al.'s pairwise combination), and
    // returns y = x·scale + offset per channel.
    private static (double[] Scale, double[] Offset) AffineOf(double[] sums, double[] squares, float[] shift, long channels,
        long groups, long voxels, double[] gamma, double[] beta, double eps)
    {
        var perGroup = channels / groups;
        var positionsPerChannel = sums.Length / channels;
        var channelMean = new double[channels];
        var channelSquares = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            double s = 0, q = 0;
            for (var k = 0; k < positionsPerChannel; k++)
            {
                s += sums[k * channels + c];
                q += squares[k * channels + c];
            }
            channelMean[c] = shift[c] + s / voxels;
            channelSquares[c] = q - s * s / voxels;
        }
        var scale = new double[channels];
        var offset = new double[channels];
        for (var g = 0; g < groups; g++)
        {
            double mean = 0;
            for (var c = g * perGroup; c < (g + 1) * perGroup; c++) mean += channelMean[c];
            mean /= perGroup;
            double squaresAroundMean = 0;
            for (var c = g * perGroup; c < (g + 1) * perGroup; c++)
                squaresAroundMean += channelSquares[c] + voxels * (channelMean[c] - mean) * (channelMean[c] - mean);
            var inverseStd = 1 / Math.Sqrt(Math.Max(squaresAroundMean, 0) / (voxels * perGroup) + eps);
            for (var c = g * perGroup; c < (g + 1) * perGroup; c++)
            {
                scale[c] = gamma[c] * inverseStd;
                offset[c] = beta[c] - mean * scale[c];
            }
        }
        return (scale, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyBlocks(IntPtr source, IntPtr target, long offset, long first, long last, float[] scale, float[] offsetTerm,
        bool rectify, bool isBf16)
    {
        var (a0, a1, a2, a3) = (Vector256.Create(scale, 0), Vector256.Create(scale, 8), Vector256.Create(scale, 16), Vector256.Create(scale, 24));
        var (c0, c1, c2, c3) = (Vector256.Create(offsetTerm, 0), Vector256.Create(offsetTerm, 8), Vector256.Create(offsetTerm, 16), Vector256.Create(offsetTerm, 24));
        var floor = rectify ? Vector256<float>.Zero : Vector256.Create(float.NegativeInfinity);
        for (var b = first; b < last; b++)
        {
            var position = offset + b * Block;
            StoredVectors.Store(target, position, Vector256.Max(Vector256.FusedMultiplyAdd(StoredVectors.Load(source, position, isBf16), a0, c0), floor), isBf16);
            StoredVectors.Store(target, position + 8, Vector256.Max(Vector256.FusedMultiplyAdd(StoredVectors.Load(source, position + 8, isBf16), a1, c1), floor), isBf16);
            StoredVectors.Store(target, position + 16, Vector256.Max(Vector256.FusedMultiplyAdd(StoredVectors.Load(source, position + 16, isBf16), a2, c2), floor), isBf16);
            StoredVectors.Store(target, position + 24, Vector256.Max(Vector256.FusedMultiplyAdd(StoredVectors.Load(source, position + 24, isBf16), a3, c3), floor), isBf16);
        }
    }
}
