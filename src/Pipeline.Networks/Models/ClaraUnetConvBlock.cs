using Pipeline.Networks.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>VoxelMorph's <c>conv_block</c> as Clara's <c>Unet</c> uses it: 3³ conv → optional norm → LeakyReLU(0.2).</summary>
/// <remarks>
/// Children are named <c>conv</c> and <c>norm</c> (the activation has no state). The conv has a bias only without a norm,
/// whose affine shift would cancel it. A downsampling block is a stride-2 conv with TensorFlow's <c>'same'</c> padding:
/// on the even sizes it always sees, that is no voxel before and one after on every axis, not PyTorch's symmetric one, so
/// every output voxel sees the same input window as in Clara's TensorFlow graph.
/// </remarks>
public sealed class ClaraUnetConvBlock : nn.Module<Tensor, Tensor>, IExportable
{
    private static readonly long[] SamePaddingForStride2 = [0, 1, 0, 1, 0, 1];

    private readonly ConvolutionLayer _conv;
    private readonly nn.Module<Tensor, Tensor>? _norm;
    private readonly nn.Module<Tensor, Tensor> _act;
    private readonly bool _downsample;

    /// <summary>Builds a block from <paramref name="inChannels"/> to <paramref name="outChannels"/>; <paramref name="norm"/> null means no normalisation.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="downsample">True for a stride-2 encoder conv that halves every spatial size.</param>
    /// <param name="norm">Makes the normalisation layer for a channel count, or null for none.</param>
    public ClaraUnetConvBlock(long inChannels, long outChannels, bool downsample, Func<long, nn.Module<Tensor, Tensor>>? norm)
        : base(nameof(ClaraUnetConvBlock))
    {
        _downsample = downsample;
        _conv = ConvolutionLayer.Conv3d(inChannels, outChannels, 3, stride: downsample ? 2 : 1, padding: downsample ? 0 : 1, bias: norm is null);
        _norm = norm?.Invoke(outChannels);
        _act = new LeakyRelu(0.2);
        register_module("conv", _conv);
        if (_norm is not null) register_module("norm", _norm);
        register_module("act", _act);
    }

    /// <summary>Does nothing: children are registered by hand under their state-dict names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name (<c>_conv</c>, <c>_norm</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>The conv kernel, the only tensor of the block that Clara's L2 regulariser penalises.</summary>
    public Parameter Kernel => _conv.Weight;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _downsample ? nn.functional.pad(x, SamePaddingForStride2) : x;
        h = _conv.call(h);
        if (_norm is not null) h = _norm.call(h);
        return _act.call(h).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var h = _downsample ? graph.Pad(input, [0, 0, 0], [1, 1, 1], "same_pad") : input;
        h = _conv.Export(graph, h);
        if (_norm is not null) h = ModuleExport.Export(_norm, graph, h);
        return ModuleExport.Export(_act, graph, h);
    }
}
