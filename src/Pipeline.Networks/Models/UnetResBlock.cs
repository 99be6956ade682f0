using Pipeline.Native;
using Pipeline.Networks.Export;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>UnetResBlock</c> (3-D, stride 1): conv3 → norm → LeakyReLU(0.01) → conv3 → norm, plus the residual, then LeakyReLU.</summary>
/// <remarks>
/// The residual is the identity, or a 1³ conv → norm (<c>conv3</c>, <c>norm3</c>) when the channel count changes. Convs
/// have no bias; the norms are MONAI's "instance" (InstanceNorm3d without affine parameters), so they add no state-dict
/// entries. Keys: <c>conv1.conv.weight</c>, <c>conv2.conv.weight</c>, <c>conv3.conv.weight</c>.
/// </remarks>
public sealed class UnetResBlock : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly nn.Module<Tensor, Tensor> _conv1;
    private readonly nn.Module<Tensor, Tensor> _conv2;
    private readonly nn.Module<Tensor, Tensor> _lrelu;
    private readonly nn.Module<Tensor, Tensor> _norm1;
    private readonly nn.Module<Tensor, Tensor> _norm2;
    private readonly nn.Module<Tensor, Tensor>? _conv3;
    private readonly nn.Module<Tensor, Tensor>? _norm3;

    /// <summary>Builds the block <paramref name="inChannels"/> → <paramref name="outChannels"/> at stride 1.</summary>
    public UnetResBlock(long inChannels, long outChannels) : base(nameof(UnetResBlock))
    {
        _conv1 = Conv(inChannels, outChannels, 3);
        _conv2 = Conv(outChannels, outChannels, 3);
        _lrelu = new LeakyRelu(0.01);
        _norm1 = Norm(outChannels);
        _norm2 = Norm(outChannels);
        register_module("conv1", _conv1);
        register_module("conv2", _conv2);
        register_module("lrelu", _lrelu);
        register_module("norm1", _norm1);
        register_module("norm2", _norm2);
        if (inChannels != outChannels)
        {
            _conv3 = Conv(inChannels, outChannels, 1);
            _norm3 = Norm(outChannels);
            register_module("conv3", _conv3);
            register_module("norm3", _norm3);
        }
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = _lrelu.call(_norm1.call(_conv1.call(x)));
        y = _norm2.call(_conv2.call(y));
        var residual = _conv3 is null ? x : _norm3!.call(_conv3.call(x));
        return _lrelu.call(y.Plus(residual)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        var y = ModuleExport.Export(_lrelu, graph, ModuleExport.Export(_norm1, graph, ModuleExport.Export(_conv1, graph, input)));
        y = ModuleExport.Export(_norm2, graph, ModuleExport.Export(_conv2, graph, y));
        var residual = _conv3 is null ? input : ModuleExport.Export(_norm3!, graph, ModuleExport.Export(_conv3, graph, input));
        return ModuleExport.Export(_lrelu, graph, graph.Add(y, residual));
    }

    /// <summary>MONAI's <c>Convolution(conv_only=True)</c> without bias: a Sequential whose only child is "conv", padding k/2.</summary>
    private static nn.Module<Tensor, Tensor> Conv(long inChannels, long outChannels, long kernel) =>
        nn.Sequential(("conv", ConvolutionLayer.Conv3d(inChannels, outChannels, kernel, padding: kernel / 2, bias: false)));

    private static nn.Module<Tensor, Tensor> Norm(long channels) => nn.InstanceNorm3d(channels, eps: 1e-5, affine: false, track_running_stats: false);
}
