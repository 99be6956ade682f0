using Pipeline.Networks.Export;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>PatchEmbed</c> without patch norm: a conv with kernel = stride = patch size (with bias), child <c>proj</c>.</summary>
/// <remarks>MONAI zero-pads inputs that are not a multiple of the patch size; SwinUNETR's input contract (multiples of 32) makes that unreachable, so it is not reproduced.</remarks>
public sealed class SwinPatchEmbed : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly nn.Module<Tensor, Tensor> _proj;

    /// <summary>Embeds <paramref name="inChannels"/> into <paramref name="embedDim"/> channels per <paramref name="patchSize"/>³ patch.</summary>
    public SwinPatchEmbed(long inChannels, long embedDim, long patchSize) : base(nameof(SwinPatchEmbed))
    {
        _proj = ConvolutionLayer.Conv3d(inChannels, embedDim, patchSize, stride: patchSize, bias: true);
        register_module("proj", _proj);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => _proj.call(x);

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input) => ModuleExport.Export(_proj, graph, input);
}
