using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>Two <see cref="UNet3DConvLayer"/>s (<c>conv1</c>, <c>conv2</c>); the first may downsample with stride 2.</summary>
public sealed class UNet3DConvBlock : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly UNet3DConvLayer _conv1;
    private readonly UNet3DConvLayer _conv2;

    /// <summary>Builds the block; <paramref name="stride"/> applies to <c>conv1</c> only.</summary>
    public UNet3DConvBlock(long inChannels, long outChannels, long stride, double negativeSlope) : base(nameof(UNet3DConvBlock))
    {
        _conv1 = new UNet3DConvLayer(inChannels, outChannels, stride, negativeSlope);
        _conv2 = new UNet3DConvLayer(outChannels, outChannels, 1, negativeSlope);
        register_module("conv1", _conv1);
        register_module("conv2", _conv2);
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
        return _conv2.call(_conv1.call(x)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input) => _conv2.Export(graph, _conv1.Export(graph, input));
}
