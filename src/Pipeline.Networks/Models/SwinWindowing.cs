using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>Window arithmetic of MONAI's 3-D Swin encoder: window fitting, partition/reverse, the shifted-window mask and the relative-position index.</summary>
public static class SwinWindowing
{
    /// <summary>MONAI's <c>get_window_size</c>: on every axis whose feature size is at most the window, the window shrinks to that size and the shift becomes 0.</summary>
    public static (long[] Window, long[] Shift) Fit(IReadOnlyList<long> size, IReadOnlyList<long> window, IReadOnlyList<long> shift)
    {
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(shift);
        var w = window.ToArray();
        var s = shift.ToArray();
        for (var i = 0; i < size.Count; i++)
        {
            if (size[i] > window[i]) continue;
            w[i] = size[i];
            s[i] = 0;
        }
        return (w, s);
    }

    /// <summary>[B, D, H, W, C] (each size a multiple of its window) to [B·nWindows, window volume, C], windows in D-H-W raster order.</summary>
    public static Tensor Partition(Tensor x, IReadOnlyList<long> window)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(window);
        long b = x.shape[0], d = x.shape[1], h = x.shape[2], w = x.shape[3], c = x.shape[4];
        return x.view(b, d / window[0], window[0], h / window[1], window[1], w / window[2], window[2], c)
            .permute(0, 1, 3, 5, 2, 4, 6, 7).contiguous()
            .view(-1, window[0] * window[1] * window[2], c);
    }

    /// <summary>Inverse of <see cref="Partition"/> for a padded grid of <paramref name="b"/>×<paramref name="d"/>×<paramref name="h"/>×<paramref name="w"/>.</summary>
    public static Tensor Reverse(Tensor windows, IReadOnlyList<long> window, long b, long d, long h, long w)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(window);
        return windows.view(b, d / window[0], h / window[1], w / window[2], window[0], window[1], window[2], -1)
            .permute(0, 1, 4, 2, 5, 3, 6, 7).contiguous()
            .view(b, d, h, w, -1);
    }

    /// <summary>
    /// MONAI's <c>compute_mask</c> for a padded grid: [nWindows, N, N] with −100 between tokens that the cyclic shift brought
    /// from different regions and 0 elsewhere.
    /// </summary>
    public static Tensor ShiftMask(IReadOnlyList<long> paddedSize, IReadOnlyList<long> window, IReadOnlyList<long> shift, ScalarType dtype, Device device)
    {
        ArgumentNullException.ThrowIfNull(paddedSize);
        using var scope = NewDisposeScope();
        // MONAI labels regions by assigning cnt over three Python slices per axis, later slices winning; the label of a
        // voxel is therefore 9·r_d + 3·r_h + r_w with r the last slice covering it on each axis.
        var d = AxisRegions(paddedSize[0], window[0], shift[0]);
        var h = AxisRegions(paddedSize[1], window[1], shift[1]);
        var w = AxisRegions(paddedSize[2], window[2], shift[2]);
        var labels = new float[paddedSize[0] * paddedSize[1] * paddedSize[2]];
        var k = 0;
        foreach (var rd in d)
            foreach (var rh in h)
                foreach (var rw in w)
                    labels[k++] = 9 * rd + 3 * rh + rw;
        var grid = tensor(labels, [1, paddedSize[0], paddedSize[1], paddedSize[2], 1]);
        var windows = Partition(grid, window).squeeze(-1);
        var diff = windows.unsqueeze(1) - windows.unsqueeze(2);
        var mask = zeros_like(diff).MaskedFill(diff.NotEqualTo(0), -100.0);
        return mask.to(dtype, device).MoveToOuterDisposeScope();
    }

    private static int[] AxisRegions(long length, long window, long shift)
    {
        // Python slices: [:-window], [-window:-shift], [-shift:]; with shift 0 the last one is [0:], i.e. the whole axis.
        var regions = new int[length];
        for (long p = 0; p < length; p++)
        {
            var region = 0;
            if (p >= length - window && p < (shift > 0 ? length - shift : 0)) region = 1;
            if (shift == 0 || p >= length - shift) region = 2;
            regions[p] = region;
        }
        return regions;
    }

    /// <summary>The standard Swin relative-position index for a <paramref name="window"/> window: [N, N] int64 into a (2W₀−1)(2W₁−1)(2W₂−1)-row bias table.</summary>
    public static Tensor RelativePositionIndex(IReadOnlyList<long> window)
    {
        ArgumentNullException.ThrowIfNull(window);
        long w0 = window[0], w1 = window[1], w2 = window[2];
        var n = w0 * w1 * w2;
        var index = new long[n * n];
        for (long i = 0; i < n; i++)
        {
            long di = i / (w1 * w2), hi = i / w2 % w1, wi = i % w2;
            for (long j = 0; j < n; j++)
            {
                long dj = j / (w1 * w2), hj = j / w2 % w1, wj = j % w2;
                index[i * n + j] = (di - dj + w0 - 1) * (2 * w1 - 1) * (2 * w2 - 1) + (hi - hj + w1 - 1) * (2 * w2 - 1) + (wi - wj + w2 - 1);
            }
        }
        return tensor(index, [n, n]);
    }
}
