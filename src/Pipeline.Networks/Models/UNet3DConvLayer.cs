using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>UNet3D's basic layer: 3³ conv (no bias) → affine InstanceNorm (eps 1e-6) → leaky ReLU.</summary>
/// <remarks>Children are named <c>conv</c> and <c>norm</c>; the conv has no bias because the norm's affine shift would cancel it.</remarks>
public sealed class UNet3DConvLayer : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly nn.Module<Tensor, Tensor> _conv;
    private readonly nn.Module<Tensor, Tensor> _norm;
    private readonly nn.Module<Tensor, Tensor> _act;

    /// <summary>Builds the layer; <paramref name="stride"/> 2 halves every spatial size.</summary>
    public UNet3DConvLayer(long inChannels, long outChannels, long stride, double negativeSlope) : base(nameof(UNet3DConvLayer))
    {
        _conv = ConvolutionLayer.Conv3d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        // TorchSharp 0.107's InstanceNorm3d starts its affine parameters at 1/0 (unlike its GroupNorm); a test guards that.
        _norm = nn.InstanceNorm3d(outChannels, eps: 1e-6, affine: true);
        _act = new LeakyRelu(negativeSlope);
        register_module("conv", _conv);
        register_module("norm", _norm);
    }

    /// <summary>Does nothing: children are registered by hand under the reference's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name (<c>_conv</c>, <c>_conv1</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _act.call(_norm.call(_conv.call(x))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input) =>
        ModuleExport.Export(_act, graph, ModuleExport.Export(_norm, graph, ModuleExport.Export(_conv, graph, input)));
}
