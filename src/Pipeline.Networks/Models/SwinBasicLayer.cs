using Pipeline.Networks.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>BasicLayer</c>: one Swin stage — <c>blocks</c> alternating unshifted/shifted windows, then the <c>downsample</c> PatchMerging.</summary>
public sealed class SwinBasicLayer : nn.Module<Tensor, Tensor>
{
    private readonly long[] _window;
    private readonly long[] _shift;
    private readonly ModuleList<SwinTransformerBlock> _blocks;
    private readonly SwinPatchMerging _downsample;

    /// <summary>Builds a stage of <paramref name="dropPath"/>.Length blocks at <paramref name="dim"/> channels.</summary>
    public SwinBasicLayer(long dim, long heads, IReadOnlyList<long> window, IReadOnlyList<double> dropPath, double mlpRatio, bool qkvBias,
        double drop, double attnDrop, SwinPatchMergingOrder mergingOrder)
        : base(nameof(SwinBasicLayer))
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(dropPath);
        _window = [.. window];
        _shift = [.. window.Select(w => w / 2)];
        long[] noShift = [0, 0, 0];
        _blocks = new ModuleList<SwinTransformerBlock>();
        for (var i = 0; i < dropPath.Count; i++)
            _blocks.append(new SwinTransformerBlock(dim, heads, _window, i % 2 == 0 ? noShift : _shift, mlpRatio, qkvBias, drop, attnDrop, dropPath[i]));
        _downsample = new SwinPatchMerging(dim, mergingOrder);
        register_module("blocks", _blocks);
        register_module("downsample", _downsample);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Maps [B, C, D, H, W] to [B, 2C, D/2, H/2, W/2].</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        long d = x.shape[2], h = x.shape[3], w = x.shape[4];
        var (window, shift) = SwinWindowing.Fit([d, h, w], _window, _shift);
        long[] padded = [RoundUp(d, window[0]), RoundUp(h, window[1]), RoundUp(w, window[2])];
        // Only the shifted blocks read the mask, and it is all zeros unless some shift survived the refit.
        var mask = shift.Any(s => s > 0) ? SwinWindowing.ShiftMask(padded, window, shift, x.dtype, x.device) : null;
        var y = x.permute(0, 2, 3, 4, 1);
        foreach (var block in _blocks)
            y = block.call(y, mask);
        return _downsample.call(y).permute(0, 4, 1, 2, 3).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the stage on <paramref name="x"/> [B, C, D, H, W] of spatial <paramref name="size"/>; the shift mask becomes a constant for that size.</summary>
    internal string Export(IGraphBuilder graph, string x, IReadOnlyList<long> size, long channels, string hint)
    {
        var (window, shift) = SwinWindowing.Fit(size, _window, _shift);
        long[] padded = [RoundUp(size[0], window[0]), RoundUp(size[1], window[1]), RoundUp(size[2], window[2])];
        using var mask = shift.Any(s => s > 0) ? SwinWindowing.ShiftMask(padded, window, shift, ScalarType.Float32, CPU) : null;
        var y = graph.Transpose(x, [0, 2, 3, 4, 1]);
        var index = 0;
        foreach (var block in _blocks)
            y = block.Export(graph, y, size, channels, mask, $"{hint}.blocks.{index++}");
        return graph.Transpose(_downsample.Export(graph, y, size, channels, hint + ".downsample"), [0, 4, 1, 2, 3]);
    }

    private static long RoundUp(long size, long multiple) => (size + multiple - 1) / multiple * multiple;
}
