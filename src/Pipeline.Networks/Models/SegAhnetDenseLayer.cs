using Pipeline.Native;
using Pipeline.Networks.Export;
using TorchSharp;
using static TorchSharp.torch;
using static Pipeline.Networks.Models.SegAhnetLayers;

namespace Pipeline.Networks.Models;

/// <summary>AHNet's decoder layer (MONAI <c>Pseudo3DLayer</c>): an in-plane 3×3×1 and a through-plane 1×1×3 branch whose sum adds growth channels.</summary>
/// <remarks>
/// BN → ReLU → 1×1×1 conv (bn_size·growth) → BN → ReLU → 3×3×1 conv (growth) = a; BN → ReLU → 1×1×3 conv(a) = b;
/// BN → ReLU → 1×1×1 conv(a + b), concatenated after the input. MONAI forces its dropout off, so there is none.
/// Child names (bn1…bn4, conv1…conv4) are MONAI's.
/// </remarks>
public sealed class SegAhnetDenseLayer : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly nn.Module<Tensor, Tensor> _bn1;
    private readonly nn.Module<Tensor, Tensor> _conv1;
    private readonly nn.Module<Tensor, Tensor> _bn2;
    private readonly nn.Module<Tensor, Tensor> _conv2;
    private readonly nn.Module<Tensor, Tensor> _bn3;
    private readonly nn.Module<Tensor, Tensor> _conv3;
    private readonly nn.Module<Tensor, Tensor> _bn4;
    private readonly nn.Module<Tensor, Tensor> _conv4;

    /// <summary>Builds the layer for <paramref name="inChannels"/> inputs; the output has <paramref name="growth"/> more channels.</summary>
    public SegAhnetDenseLayer(int dims, long inChannels, long growth, long bottleneckFactor) : base(nameof(SegAhnetDenseLayer))
    {
        var one = Enumerable.Repeat(1L, dims).ToArray();
        var inner = bottleneckFactor * growth;
        _bn1 = BatchNorm(dims, inChannels);
        _conv1 = Conv(dims, inChannels, inner, one);
        _bn2 = BatchNorm(dims, inner);
        _conv2 = Conv(dims, inner, growth, Last(dims, 3, 3, 1), padding: Last(dims, 1, 1, 0));
        _bn3 = BatchNorm(dims, growth);
        _conv3 = Conv(dims, growth, growth, Last(dims, 1, 1, 3), padding: Last(dims, 0, 0, 1));
        _bn4 = BatchNorm(dims, growth);
        _conv4 = Conv(dims, growth, growth, one);
        register_module("bn1", _bn1);
        register_module("conv1", _conv1);
        register_module("bn2", _bn2);
        register_module("conv2", _conv2);
        register_module("bn3", _bn3);
        register_module("conv3", _conv3);
        register_module("bn4", _bn4);
        register_module("conv4", _conv4);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name.</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _conv1.call(nn.functional.relu(_bn1.call(x)));
        var inPlane = _conv2.call(nn.functional.relu(_bn2.call(h)));
        var throughPlane = _conv3.call(nn.functional.relu(_bn3.call(inPlane)));
        var added = _conv4.call(nn.functional.relu(_bn4.call(inPlane.Plus(throughPlane))));
        return cat([x, added], 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        var h = ModuleExport.Export(_conv1, graph, graph.Relu(ModuleExport.Export(_bn1, graph, input)));
        var inPlane = ModuleExport.Export(_conv2, graph, graph.Relu(ModuleExport.Export(_bn2, graph, h)));
        var throughPlane = ModuleExport.Export(_conv3, graph, graph.Relu(ModuleExport.Export(_bn3, graph, inPlane)));
        var added = ModuleExport.Export(_conv4, graph, graph.Relu(ModuleExport.Export(_bn4, graph, graph.Add(inPlane, throughPlane))));
        return graph.Concat(input, added);
    }
}
