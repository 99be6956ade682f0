using Pipeline.Networks.Export;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>UnetrUpBlock</c> (res_block=True): 2³ stride-2 transposed conv without bias, concat with the skip, then a <see cref="UnetResBlock"/>.</summary>
/// <remarks>Keys: <c>transp_conv.conv.weight</c>, <c>conv_block.conv1.conv.weight</c>, … The upsampled features come first in the concatenation, as MONAI.</remarks>
public sealed class UnetrUpBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _transpConv;
    private readonly UnetResBlock _convBlock;

    /// <summary>Upsamples <paramref name="inChannels"/> to <paramref name="outChannels"/>, which must also be the skip's channel count.</summary>
    public UnetrUpBlock(long inChannels, long outChannels) : base(nameof(UnetrUpBlock))
    {
        _transpConv = nn.Sequential(("conv", ConvolutionLayer.ConvTranspose3d(inChannels, outChannels, 2, stride: 2, bias: false)));
        _convBlock = new UnetResBlock(2 * outChannels, outChannels);
        register_module("transp_conv", _transpConv);
        register_module("conv_block", _convBlock);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Upsamples <paramref name="x"/> to the size of <paramref name="skip"/> and fuses the two.</summary>
    public override Tensor forward(Tensor x, Tensor skip)
    {
        using var scope = NewDisposeScope();
        var h = torch.cat([_transpConv.call(x), skip], 1);
        return _convBlock.call(h).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the block on the values <paramref name="x"/> and <paramref name="skip"/>; returns the output's name.</summary>
    internal string Export(IGraphBuilder graph, string x, string skip) =>
        _convBlock.Export(graph, graph.Concat(ModuleExport.Export(_transpConv, graph, x), skip));
}
