using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>Trilinear doubling (align_corners false) of a channels-last CPU volume in one pass over the output.</summary>
/// <remarks>
/// Each output row [2D, 2H] is ¾/¼ blends of two input depths and two input rows; those four rows are blended into one row
/// in float, which then doubles along W. With a multiple of 8 channels a voxel is a whole number of eight-float vectors, so
/// the W neighbours are whole vectors. libtorch's own kernels need several bf16 passes, each rounding to bf16.
/// </remarks>
internal static class ChannelsLastDoubling
{
    private const int Lanes = StoredVectors.Lanes;
    private const float Near = 0.75f;
    private const float Far = 0.25f;

    /// <summary>Whether <paramref name="x"/> ([B, C, D, H, W]) can be doubled here.</summary>
    public static bool Supports(Tensor x) =>
        Vector256.IsHardwareAccelerated && x.dim() == 5 && x.device_type == TorchSharp.DeviceType.CPU &&
        x.dtype is ScalarType.BFloat16 or ScalarType.Float32 && x.shape[1] % Lanes == 0 && ChannelsLast.Holds(x);

    /// <summary>Doubles D, H and W of <paramref name="x"/>; the result is channels-last.</summary>
    public static Tensor Double(Tensor x)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], channels = x.shape[1], depth = x.shape[2], height = x.shape[3], width = x.shape[4];
        long[] storedShape = [batch, 2 * depth, 2 * height, 2 * width, channels];
        var output = empty(storedShape, x.dtype).permute(ChannelsLast.FromLast(5));
        var source = StoredVectors.AddressOf(x);
        var target = StoredVectors.AddressOf(output);
        var geometry = new Geometry(depth, height, width, channels, x.dtype == ScalarType.BFloat16);
        StoredVectors.ForEachPart(batch * 2 * depth * 2 * height, (first, last) => DoubleRows(source, target, geometry, first, last));
        return output.MoveToOuterDisposeScope();
    }

    private readonly record struct Geometry(long Depth, long Height, long Width, long Channels, bool IsBf16);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DoubleRows(IntPtr source, IntPtr target, Geometry g, long first, long last)
    {
        var rowValues = g.Width * g.Channels;
        var vectorsPerVoxel = (int)(g.Channels / Lanes);
        var blended = new Vector256<float>[rowValues / Lanes];
        var near = Vector256.Create(Near);
        var far = Vector256.Create(Far);
        // Neighbours() puts the nearer input first: weights ¾·¾, ¾·¼, ¼·¾, ¼·¼.
        var w00 = Vector256.Create(Near * Near);
        var w01 = Vector256.Create(Near * Far);
        var w11 = Vector256.Create(Far * Far);
        for (var row = first; row < last; row++)
        {
            var outH = row % (2 * g.Height);
            var outD = row / (2 * g.Height) % (2 * g.Depth);
            var sample = row / (2 * g.Height * 2 * g.Depth);
            var (d0, d1) = Neighbours(outD, g.Depth);
            var (h0, h1) = Neighbours(outH, g.Height);
            long RowStart(long d, long h) => ((sample * g.Depth + d) * g.Height + h) * rowValues;
            var (r00, r01, r10, r11) = (RowStart(d0, h0), RowStart(d0, h1), RowStart(d1, h0), RowStart(d1, h1));
            for (var v = 0; v < blended.Length; v++)
            {
                var offset = v * Lanes;
                var sum = StoredVectors.Load(source, r00 + offset, g.IsBf16) * w00;
                sum = Vector256.FusedMultiplyAdd(StoredVectors.Load(source, r01 + offset, g.IsBf16), w01, sum);
                sum = Vector256.FusedMultiplyAdd(StoredVectors.Load(source, r10 + offset, g.IsBf16), w01, sum);
                blended[v] = Vector256.FusedMultiplyAdd(StoredVectors.Load(source, r11 + offset, g.IsBf16), w11, sum);
            }
            var outRow = row * 2 * rowValues;
            for (long w = 0; w < g.Width; w++)
            {
                var previous = Math.Max(w - 1, 0);
                var next = Math.Min(w + 1, g.Width - 1);
                for (var c = 0; c < vectorsPerVoxel; c++)
                {
                    var centre = blended[w * vectorsPerVoxel + c] * near;
                    var even = Vector256.FusedMultiplyAdd(blended[previous * vectorsPerVoxel + c], far, centre);
                    var odd = Vector256.FusedMultiplyAdd(blended[next * vectorsPerVoxel + c], far, centre);
                    StoredVectors.Store(target, outRow + (2 * w * vectorsPerVoxel + c) * Lanes, even, g.IsBf16);
                    StoredVectors.Store(target, outRow + ((2 * w + 1) * vectorsPerVoxel + c) * Lanes, odd, g.IsBf16);
                }
            }
        }
    }

    // Output index 2i blends input i (¾) with i−1 (¼), 2i+1 blends i with i+1; beyond the edge the edge input repeats.
    private static (long Nearer, long Farther) Neighbours(long output, long size)
    {
        var input = output / 2;
        var other = output % 2 == 0 ? Math.Max(input - 1, 0) : Math.Min(input + 1, size - 1);
        return (input, other);
    }
}
