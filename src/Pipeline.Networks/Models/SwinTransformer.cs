using Pipeline.Native;
using Pipeline.Networks.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>SwinTransformer</c> encoder of SwinUNETR (<c>swinViT</c>): patch embedding and four Swin stages, returning five hidden states.</summary>
/// <remarks>
/// Children: <c>patch_embed</c>, <c>pos_drop</c>, <c>layers1</c>…<c>layers4</c> (each a one-element ModuleList holding a
/// <see cref="SwinBasicLayer"/>) and, with use_v2, <c>layers1c</c>…<c>layers4c</c> (one UnetrBasicBlock each, run before the
/// stage). Hidden state i has feature_size·2^i channels at 1/2^(i+1) of the input size; with <c>normalize</c> each one is
/// passed through a parameter-free LayerNorm over channels.
/// </remarks>
public sealed class SwinTransformer : nn.Module<Tensor, Tensor[]>
{
    private readonly SwinPatchEmbed _patchEmbed;
    private readonly nn.Module<Tensor, Tensor> _posDrop;
    private readonly SwinBasicLayer[] _layers;
    private readonly nn.Module<Tensor, Tensor>[]? _convLayers;
    private readonly bool _normalize;
    private readonly long _embedDim;

    /// <summary>Builds the encoder; args are MONAI's and are validated by <see cref="SwinUNETR"/>.</summary>
    public SwinTransformer(long inChannels, long embedDim, long window, long patchSize, IReadOnlyList<int> depths, IReadOnlyList<int> heads,
        double mlpRatio, bool qkvBias, double dropRate, double attnDropRate, double dropPathRate, bool normalize, bool useV2,
        SwinPatchMergingOrder mergingOrder)
        : base(nameof(SwinTransformer))
    {
        ArgumentNullException.ThrowIfNull(depths);
        ArgumentNullException.ThrowIfNull(heads);
        _normalize = normalize;
        _embedDim = embedDim;
        _patchEmbed = new SwinPatchEmbed(inChannels, embedDim, patchSize);
        _posDrop = nn.Dropout(dropRate);
        register_module("patch_embed", _patchEmbed);
        register_module("pos_drop", _posDrop);

        // Stochastic-depth rates rise linearly over all blocks of all stages, as torch.linspace(0, rate, sum(depths)).
        var total = depths.Sum();
        var rates = Enumerable.Range(0, total).Select(i => total == 1 ? 0.0 : dropPathRate * i / (total - 1)).ToArray();
        long[] windowSize = [window, window, window];
        _layers = new SwinBasicLayer[depths.Count];
        if (useV2) _convLayers = new nn.Module<Tensor, Tensor>[depths.Count];
        var first = 0;
        for (var i = 0; i < depths.Count; i++)
        {
            var dim = embedDim << i;
            _layers[i] = new SwinBasicLayer(dim, heads[i], windowSize, rates[first..(first + depths[i])], mlpRatio, qkvBias, dropRate,
                attnDropRate, mergingOrder);
            first += depths[i];
            var list = new ModuleList<nn.Module<Tensor, Tensor>>();
            list.append(_layers[i]);
            register_module($"layers{i + 1}", list);
            if (_convLayers is not null)
            {
                _convLayers[i] = UnetrBasicBlock(dim, dim);
                var convList = new ModuleList<nn.Module<Tensor, Tensor>>();
                convList.append(_convLayers[i]);
                register_module($"layers{i + 1}c", convList);
            }
        }
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>The five hidden states [x0, x1, x2, x3, x4] of <paramref name="x"/> [B, C, D, H, W].</summary>
    public override Tensor[] forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var h = _posDrop.call(_patchEmbed.call(x));
        var outputs = new List<Tensor> { ProjectOut(h) };
        for (var i = 0; i < _layers.Length; i++)
        {
            if (_convLayers is not null) h = _convLayers[i].call(h.contiguous());
            h = _layers[i].call(h.contiguous());
            outputs.Add(ProjectOut(h));
        }
        foreach (var output in outputs) output.MoveToOuterDisposeScope();
        return [.. outputs];
    }

    /// <summary>The epsilon of every LayerNorm in the encoder.</summary>
    internal const double LayerNormEps = 1e-5;

    /// <summary>Writes the encoder on <paramref name="x"/> of spatial <paramref name="size"/>; returns the five hidden states' names.</summary>
    internal string[] Export(IGraphBuilder graph, string x, IReadOnlyList<long> size)
    {
        var h = _patchEmbed.Export(graph, x);
        // The input contract (multiples of 32) makes the patch embedding's stride exact.
        var grid = size.Select(s => s / 2).ToArray();
        var channels = _embedDim;
        var outputs = new List<string> { ExportProjectOut(graph, h, channels, "swinViT.out0") };
        for (var i = 0; i < _layers.Length; i++)
        {
            if (_convLayers is not null) h = ModuleExport.Export(_convLayers[i], graph, h);
            h = _layers[i].Export(graph, h, grid, channels, $"swinViT.layers{i + 1}");
            grid = [.. grid.Select(s => (s + 1) / 2)];
            channels *= 2;
            outputs.Add(ExportProjectOut(graph, h, channels, $"swinViT.out{i + 1}"));
        }
        return [.. outputs];
    }

    private string ExportProjectOut(IGraphBuilder graph, string x, long channels, string hint)
    {
        if (!_normalize) return x;
        var normalized = graph.LayerNorm(graph.Transpose(x, [0, 2, 3, 4, 1]), channels, null, null, LayerNormEps, hint);
        return graph.Transpose(normalized, [0, 4, 1, 2, 3]);
    }

    /// <summary>MONAI's <c>UnetrBasicBlock(res_block=True)</c>: a <see cref="UnetResBlock"/> under the child name <c>layer</c>.</summary>
    internal static nn.Module<Tensor, Tensor> UnetrBasicBlock(long inChannels, long outChannels) =>
        nn.Sequential(("layer", new UnetResBlock(inChannels, outChannels)));

    /// <summary>A LayerNorm (eps 1e-5) that starts at weight 1, bias 0, whatever TorchSharp's allocation left in them.</summary>
    internal static nn.Module<Tensor, Tensor> LayerNorm(long channels)
    {
        var norm = nn.LayerNorm(channels, eps: LayerNormEps);
        using (torch.no_grad())
        {
            norm.weight!.FillInPlace(1);
            norm.bias!.zero_();
        }
        return norm;
    }

    private Tensor ProjectOut(Tensor x)
    {
        if (!_normalize) return x.alias();
        var channelsLast = x.permute(0, 2, 3, 4, 1);
        return nn.functional.layer_norm(channelsLast, [x.shape[1]], eps: 1e-5).permute(0, 4, 1, 2, 3);
    }
}
