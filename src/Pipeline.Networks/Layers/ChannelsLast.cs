using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>The channels-last memory layout ([B, spatial…, C] in memory, [B, C, spatial…] in shape) that the CPU layers share.</summary>
/// <remarks>
/// TorchSharp 0.107 has no memory-format argument, so the layout is made and recognised through permutations: a tensor is
/// channels-last when its [B, spatial…, C] permutation is contiguous.
/// </remarks>
public static class ChannelsLast
{
    /// <summary>Whether <paramref name="x"/> ([B, C, spatial…]) is densely stored channels-last (and not also contiguous, as with one channel).</summary>
    public static bool Holds(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.dim() >= 3 && x.shape[1] > 1 && x.stride(1) == 1 && x.permute(ToLast(x.dim())).is_contiguous();
    }

    /// <summary>A channels-last copy of <paramref name="x"/>, with the same shape and values.</summary>
    public static Tensor Copy(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.permute(ToLast(x.dim())).contiguous().permute(FromLast(x.dim()));
    }

    /// <summary>The softmax over the channels of a channels-last <paramref name="x"/>.</summary>
    /// <remarks>
    /// libtorch's softmax along a short axis does not vectorise (two channels, 4×96³: 35 ms in bf16, 90 ms in fp32). Two
    /// channels are the common case, and there softmax is a logistic function of the logit difference, [σ(−d), σ(d)] with
    /// d = z₁ − z₀ (4 ms). The result is contiguous.
    /// </remarks>
    public static Tensor Softmax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.shape[1] != 2) return x.permute(ToLast(x.dim())).softmax(-1).permute(FromLast(x.dim()));
        using var scope = NewDisposeScope();
        var difference = x.narrow(1, 1, 1) - x.narrow(1, 0, 1);
        return cat([difference.neg().sigmoid_(), difference.sigmoid_()], 1).MoveToOuterDisposeScope();
    }

    /// <summary>The permutation [0, 2, …, n−1, 1] that moves the channels last.</summary>
    public static long[] ToLast(long dims) => [0, .. Enumerable.Range(2, (int)dims - 2).Select(a => (long)a), 1];

    /// <summary>The permutation [0, n−1, 1, …, n−2] that moves them back to axis 1.</summary>
    public static long[] FromLast(long dims) => [0, dims - 1, .. Enumerable.Range(1, (int)dims - 2).Select(a => (long)a)];
}
