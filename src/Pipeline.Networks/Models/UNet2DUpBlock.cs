using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>One U-Net decoder level: 2×2 stride-2 transposed conv, concat with the (centre-cropped) skip, then a double conv.</summary>
/// <remarks>Child names are upconv and conv (a <see cref="UNet2DConvBlock"/>), so keys read <c>up.0.upconv.weight</c>, <c>up.0.conv.conv1.weight</c>.</remarks>
public sealed class UNet2DUpBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _upconv;
    private readonly UNet2DConvBlock _conv;
    private readonly bool _cropsSkip;

    /// <summary>Builds the level: <paramref name="inChannels"/> from below, halved by the upconv, doubled by the skip concat.</summary>
    public UNet2DUpBlock(long inChannels, long outChannels, long padding, bool useBatchNorm) : base(nameof(UNet2DUpBlock))
    {
        _upconv = ConvolutionLayer.ConvTranspose2d(inChannels, outChannels, 2, stride: 2, bias: true);
        _conv = new UNet2DConvBlock(2 * outChannels, outChannels, padding, useBatchNorm);
        // Padded ("same") convs keep the skip and the up path the same size, so only "valid" graphs need the crop.
        _cropsSkip = padding == 0;
        register_module("upconv", _upconv);
        register_module("conv", _conv);
    }

    /// <summary>Does nothing: children are registered by hand under the reference's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child it registers, and the base version would register
    /// each module-typed field a second time under its C# field name (<c>_conv1</c>, <c>_upconv</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Upsamples <paramref name="below"/>, crops <paramref name="skip"/> to its size (a no-op in "same" mode) and convolves the concat.</summary>
    public override Tensor forward(Tensor below, Tensor skip)
    {
        using var scope = NewDisposeScope();
        var up = _upconv.call(below);
        long h = up.shape[2], w = up.shape[3];
        // Valid convolutions shrink the up path more than the skip, so the skip is centre-cropped as in the paper.
        var cropped = skip.narrow(2, (skip.shape[2] - h) / 2, h).narrow(3, (skip.shape[3] - w) / 2, w);
        // Skip first, then the upsampled features: the reference concatenates in this order, and conv weights depend on it.
        return _conv.call(cat([cropped, up], 1)).MoveToOuterDisposeScope();
    }

    /// <summary>Adds this level's inference graph on the values <paramref name="below"/> and <paramref name="skip"/>; returns the output's name.</summary>
    public string Export(IGraphBuilder graph, string below, string skip)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var up = ModuleExport.Export(_upconv, graph, below);
        var cropped = _cropsSkip ? graph.CenterCrop(skip, up, 2, "skip_crop") : skip;
        return _conv.Export(graph, graph.Concat(cropped, up));
    }
}
