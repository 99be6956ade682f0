using Pipeline.Networks.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's 3-D <c>PatchMerging</c>: concatenates the eight stride-2 sub-grids along channels, LayerNorm(8C), Linear(8C→2C, no bias).</summary>
/// <remarks>Odd sizes are zero-padded by one at the end first. Children are <c>reduction</c> and <c>norm</c>, as MONAI.</remarks>
public sealed class SwinPatchMerging : nn.Module<Tensor, Tensor>
{
    private readonly (int D, int H, int W)[] _offsets;
    private readonly nn.Module<Tensor, Tensor> _reduction;
    private readonly nn.Module<Tensor, Tensor> _norm;

    /// <summary>Builds the merging for <paramref name="dim"/> input channels with the sub-grid <paramref name="order"/>.</summary>
    public SwinPatchMerging(long dim, SwinPatchMergingOrder order) : base(nameof(SwinPatchMerging))
    {
        _offsets = Offsets(order);
        _reduction = nn.Linear(8 * dim, 2 * dim, hasBias: false);
        _norm = SwinTransformer.LayerNorm(8 * dim);
        register_module("reduction", _reduction);
        register_module("norm", _norm);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>The (d, h, w) start offsets of the eight sub-grids, in concatenation order.</summary>
    public static (int D, int H, int W)[] Offsets(SwinPatchMergingOrder order) => order switch
    {
        SwinPatchMergingOrder.Monai15 => [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 1)],
        SwinPatchMergingOrder.Legacy => [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 0, 1), (0, 1, 0), (0, 0, 1), (1, 1, 1)],
        SwinPatchMergingOrder.Lexicographic => [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1), (1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1)],
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, null),
    };

    /// <summary>Maps [B, D, H, W, C] to [B, ⌈D/2⌉, ⌈H/2⌉, ⌈W/2⌉, 2C].</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        long d = x.shape[1], h = x.shape[2], w = x.shape[3];
        if (d % 2 == 1 || h % 2 == 1 || w % 2 == 1)
            x = nn.functional.pad(x, [0, 0, 0, w % 2, 0, h % 2, 0, d % 2]);
        var parts = _offsets
            .Select(o => x[TensorIndex.Colon, TensorIndex.Slice(o.D, null, 2), TensorIndex.Slice(o.H, null, 2), TensorIndex.Slice(o.W, null, 2), TensorIndex.Colon])
            .ToArray();
        var merged = torch.cat(parts, -1);
        return _reduction.call(_norm.call(merged)).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the merging of the channels-last value <paramref name="x"/> of spatial <paramref name="size"/> and <paramref name="channels"/> channels.</summary>
    internal string Export(IGraphBuilder graph, string x, IReadOnlyList<long> size, long channels, string hint)
    {
        long d = size[0], h = size[1], w = size[2];
        if (d % 2 == 1 || h % 2 == 1 || w % 2 == 1)
            x = graph.Node("Pad", [x, graph.Longs(hint + ".pads", 0, 0, 0, 0, 0, 0, d % 2, h % 2, w % 2, 0)],
                new Dictionary<string, object> { ["mode"] = "constant" }, hint + ".pad");
        var ends = graph.Longs(hint + ".ends", d + d % 2, h + h % 2, w + w % 2);
        var axes = graph.Longs(hint + ".axes", 1, 2, 3);
        var steps = graph.Longs(hint + ".steps", 2, 2, 2);
        var parts = _offsets
            .Select(o => graph.Node("Slice", [x, graph.Longs(hint + ".starts", o.D, o.H, o.W), ends, axes, steps], hint: hint + ".part"))
            .ToArray();
        var norm = (LayerNorm)_norm;
        var merged = graph.LayerNorm(graph.ConcatAxis(-1, parts), 8 * channels, norm.weight, norm.bias, SwinTransformer.LayerNormEps, hint + ".norm");
        return graph.Linear(merged, ((Linear)_reduction).weight!, null, hint + ".reduction");
    }
}
