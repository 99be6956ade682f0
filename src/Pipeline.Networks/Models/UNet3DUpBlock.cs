using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>UNet3D decoder step: 2³ stride-2 transposed conv (<c>transp_conv</c>), concat with the skip, then a <see cref="UNet3DConvBlock"/> (<c>conv_block</c>).</summary>
/// <remarks>The transposed conv keeps its bias: no norm follows it directly, so nothing else would supply a shift.</remarks>
public sealed class UNet3DUpBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _transpConv;
    private readonly UNet3DConvBlock _convBlock;

    /// <summary>Upsamples <paramref name="inChannels"/> to <paramref name="outChannels"/>, which must also be the skip's channel count.</summary>
    public UNet3DUpBlock(long inChannels, long outChannels, double negativeSlope) : base(nameof(UNet3DUpBlock))
    {
        _transpConv = ConvolutionLayer.ConvTranspose3d(inChannels, outChannels, 2, stride: 2, bias: true);
        _convBlock = new UNet3DConvBlock(2 * outChannels, outChannels, 1, negativeSlope);
        register_module("transp_conv", _transpConv);
        register_module("conv_block", _convBlock);
    }

    /// <summary>Does nothing: children are registered by hand under the reference's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name (<c>_conv</c>, <c>_conv1</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Upsamples <paramref name="x"/> to the size of <paramref name="skip"/> and fuses the two.</summary>
    public override Tensor forward(Tensor x, Tensor skip)
    {
        using var scope = NewDisposeScope();
        // Upsampled features first, skip second: the channel order the reference's torch.cat uses, so weights line up.
        var h = torch.cat([_transpConv.call(x), skip], 1);
        return _convBlock.call(h).MoveToOuterDisposeScope();
    }

    /// <summary>Adds this step's inference graph on the values <paramref name="x"/> and <paramref name="skip"/>; returns the output's name.</summary>
    public string Export(IGraphBuilder graph, string x, string skip) =>
        _convBlock.Export(graph, graph.Concat(ModuleExport.Export(_transpConv, graph, x), skip));
}
