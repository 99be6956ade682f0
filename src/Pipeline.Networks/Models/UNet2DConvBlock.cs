using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>One U-Net level's double convolution: conv3 → [BatchNorm] → ReLU → conv3 → [BatchNorm] → ReLU.</summary>
/// <remarks>Child names are conv1, bn1, conv2, bn2 (bn* only with batch norm); ReLU has no parameters and is not registered.</remarks>
public sealed class UNet2DConvBlock : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly nn.Module<Tensor, Tensor> _conv1;
    private readonly nn.Module<Tensor, Tensor>? _bn1;
    private readonly nn.Module<Tensor, Tensor> _conv2;
    private readonly nn.Module<Tensor, Tensor>? _bn2;

    /// <summary>Builds the block; <paramref name="padding"/> is 1 for "same" and 0 for "valid" (each conv then trims 2 pixels).</summary>
    public UNet2DConvBlock(long inChannels, long outChannels, long padding, bool useBatchNorm) : base(nameof(UNet2DConvBlock))
    {
        // The bias is kept even with batch norm, as the reference implementation does, so weight sets stay interchangeable.
        _conv1 = ConvolutionLayer.Conv2d(inChannels, outChannels, 3, padding: padding, bias: true);
        _conv2 = ConvolutionLayer.Conv2d(outChannels, outChannels, 3, padding: padding, bias: true);
        register_module("conv1", _conv1);
        if (useBatchNorm)
        {
            _bn1 = new BatchNormLayer(2, outChannels);
            register_module("bn1", _bn1);
        }
        register_module("conv2", _conv2);
        if (useBatchNorm)
        {
            _bn2 = new BatchNormLayer(2, outChannels);
            register_module("bn2", _bn2);
        }
    }

    /// <summary>Does nothing: children are registered by hand under the reference's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child it registers, and the base version would register
    /// each module-typed field a second time under its C# field name (<c>_conv1</c>, <c>_upconv</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _conv1.call(x);
        if (_bn1 is not null) h = _bn1.call(h);
        h = _conv2.call(h.relu_());
        if (_bn2 is not null) h = _bn2.call(h);
        return h.relu_().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var h = ModuleExport.Export(_conv1, graph, input);
        if (_bn1 is not null) h = ModuleExport.Export(_bn1, graph, h);
        h = ModuleExport.Export(_conv2, graph, graph.Relu(h));
        if (_bn2 is not null) h = ModuleExport.Export(_bn2, graph, h);
        return graph.Relu(h);
    }
}
