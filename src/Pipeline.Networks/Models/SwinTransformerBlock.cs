using Pipeline.Native;
using Pipeline.Networks.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>SwinTransformerBlock</c> (channels-last): x + DropPath(W-MSA(LN1 x)), then + DropPath(MLP(LN2 x)).</summary>
/// <remarks>
/// The window and shift are refitted to each input (<see cref="SwinWindowing.Fit"/>); after LN1 the features are zero-padded
/// at the end of every axis to a window multiple, rolled by −shift when any shift remains, attended per window (with the
/// stage's mask only when shifted), rolled back and cropped.
/// </remarks>
public sealed class SwinTransformerBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly long[] _window;
    private readonly long[] _shift;
    private readonly nn.Module<Tensor, Tensor> _norm1;
    private readonly SwinWindowAttention _attn;
    private readonly nn.Module<Tensor, Tensor> _dropPath;
    private readonly nn.Module<Tensor, Tensor> _norm2;
    private readonly SwinMlp _mlp;

    /// <summary>Builds a block at <paramref name="dim"/> channels; <paramref name="shift"/> is all zeros for the unshifted (even-indexed) blocks.</summary>
    public SwinTransformerBlock(long dim, long heads, IReadOnlyList<long> window, IReadOnlyList<long> shift, double mlpRatio, bool qkvBias,
        double drop, double attnDrop, double dropPath)
        : base(nameof(SwinTransformerBlock))
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(shift);
        _window = [.. window];
        _shift = [.. shift];
        _norm1 = SwinTransformer.LayerNorm(dim);
        _attn = new SwinWindowAttention(dim, heads, window, qkvBias, attnDrop, drop);
        _dropPath = dropPath > 0 ? new SwinDropPath(dropPath) : nn.Identity();
        _norm2 = SwinTransformer.LayerNorm(dim);
        _mlp = new SwinMlp(dim, (long)(dim * mlpRatio), drop);
        register_module("norm1", _norm1);
        register_module("attn", _attn);
        register_module("drop_path", _dropPath);
        register_module("norm2", _norm2);
        register_module("mlp", _mlp);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Applies the block to <paramref name="x"/> [B, D, H, W, C]; <paramref name="mask"/> is the stage's shifted-window mask.</summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var h = x.Plus(_dropPath.call(Attend(x, mask)));
        h = h.Plus(_dropPath.call(_mlp.call(_norm2.call(h))));
        return h.MoveToOuterDisposeScope();
    }

    private Tensor Attend(Tensor x, Tensor? mask)
    {
        long b = x.shape[0], d = x.shape[1], h = x.shape[2], w = x.shape[3], c = x.shape[4];
        var (window, shift) = SwinWindowing.Fit([d, h, w], _window, _shift);
        var y = _norm1.call(x);
        long padD = (window[0] - d % window[0]) % window[0];
        long padH = (window[1] - h % window[1]) % window[1];
        long padW = (window[2] - w % window[2]) % window[2];
        if (padD > 0 || padH > 0 || padW > 0)
            y = nn.functional.pad(y, [0, 0, 0, padW, 0, padH, 0, padD]);
        long dp = y.shape[1], hp = y.shape[2], wp = y.shape[3];
        var shifted = shift.Any(s => s > 0);
        if (shifted) y = y.roll([-shift[0], -shift[1], -shift[2]], [1, 2, 3]);
        var windows = _attn.call(SwinWindowing.Partition(y, window), shifted ? mask : null);
        y = SwinWindowing.Reverse(windows.view([-1, window[0], window[1], window[2], c]), window, b, dp, hp, wp);
        if (shifted) y = y.roll([shift[0], shift[1], shift[2]], [1, 2, 3]);
        if (padD > 0 || padH > 0 || padW > 0)
            y = y[TensorIndex.Colon, TensorIndex.Slice(0, d), TensorIndex.Slice(0, h), TensorIndex.Slice(0, w), TensorIndex.Colon].contiguous();
        return y;
    }

    /// <summary>Writes the block on the channels-last value <paramref name="x"/> of spatial <paramref name="size"/>; <paramref name="mask"/> is the stage's.</summary>
    internal string Export(IGraphBuilder graph, string x, IReadOnlyList<long> size, long channels, Tensor? mask, string hint)
    {
        var (window, shift) = SwinWindowing.Fit(size, _window, _shift);
        var norm1 = (LayerNorm)_norm1;
        var y = graph.LayerNorm(x, channels, norm1.weight, norm1.bias, SwinTransformer.LayerNormEps, hint + ".norm1");
        var pad = Enumerable.Range(0, 3).Select(i => (window[i] - size[i] % window[i]) % window[i]).ToArray();
        var padded = Enumerable.Range(0, 3).Select(i => size[i] + pad[i]).ToArray();
        if (pad.Any(p => p > 0))
            y = graph.Node("Pad", [y, graph.Longs(hint + ".pads", 0, 0, 0, 0, 0, 0, pad[0], pad[1], pad[2], 0)],
                new Dictionary<string, object> { ["mode"] = "constant" }, hint + ".pad");
        var shifted = shift.Any(s => s > 0);
        for (var i = 0; shifted && i < 3; i++) y = graph.Roll(y, -shift[i], i + 1, padded[i], hint + ".roll");
        var grid = new long[] { padded[0] / window[0], padded[1] / window[1], padded[2] / window[2] };
        var n = window[0] * window[1] * window[2];
        var windows = graph.Reshape(y, [-1, grid[0], window[0], grid[1], window[1], grid[2], window[2], channels], hint + ".partition");
        windows = graph.Reshape(graph.Transpose(windows, [0, 1, 3, 5, 2, 4, 6, 7]), [-1, n, channels], hint + ".windows");
        var attended = _attn.Export(graph, windows, n, shifted ? mask : null, hint + ".attn");
        y = graph.Reshape(attended, [-1, grid[0], grid[1], grid[2], window[0], window[1], window[2], channels], hint + ".reverse");
        y = graph.Reshape(graph.Transpose(y, [0, 1, 4, 2, 5, 3, 6, 7]), [-1, padded[0], padded[1], padded[2], channels], hint + ".grid");
        for (var i = 0; shifted && i < 3; i++) y = graph.Roll(y, shift[i], i + 1, padded[i], hint + ".unroll");
        if (pad.Any(p => p > 0))
            y = graph.Node("Slice", [y, graph.Longs(hint + ".crop_starts", 0, 0, 0), graph.Longs(hint + ".crop_ends", size[0], size[1], size[2]),
                graph.Longs(hint + ".crop_axes", 1, 2, 3)], hint: hint + ".crop");
        var h = graph.Add(x, y);
        var norm2 = (LayerNorm)_norm2;
        return graph.Add(h, _mlp.Export(graph, graph.LayerNorm(h, channels, norm2.weight, norm2.bias, SwinTransformer.LayerNormEps, hint + ".norm2"), hint + ".mlp"));
    }
}
