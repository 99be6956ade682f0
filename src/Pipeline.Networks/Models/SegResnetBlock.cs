using Pipeline.Native;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>SegResNet's pre-activation residual block: norm → ReLU → conv3 → norm → ReLU → conv3, plus the identity.</summary>
/// <remarks>Child names (norm1, norm2, act, conv1.conv, conv2.conv) are MONAI's <c>ResBlock</c> names so its weights load by name.</remarks>
public sealed class SegResnetBlock : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly nn.Module<Tensor, Tensor> _norm1;
    private readonly nn.Module<Tensor, Tensor> _norm2;
    private readonly nn.Module<Tensor, Tensor> _act;
    private readonly nn.Module<Tensor, Tensor> _conv1;
    private readonly nn.Module<Tensor, Tensor> _conv2;

    /// <summary>Builds a block at <paramref name="channels"/> channels; <paramref name="norm"/> makes each normalisation layer.</summary>
    public SegResnetBlock(long channels, Func<long, nn.Module<Tensor, Tensor>> norm) : base(nameof(SegResnetBlock))
    {
        _norm1 = norm(channels);
        _norm2 = norm(channels);
        // In place, as MONAI's SegResNet: the norm output is not needed again, so this saves one 3-D tensor per activation.
        _act = nn.ReLU(inplace: true);
        _conv1 = SegResnet.ConvOnly(channels, channels, kernel: 3, stride: 1, bias: false);
        _conv2 = SegResnet.ConvOnly(channels, channels, kernel: 3, stride: 1, bias: false);
        // Registered by hand (not RegisterComponents) so the state-dict names are MONAI's, not the C# field names.
        register_module("norm1", _norm1);
        register_module("norm2", _norm2);
        register_module("act", _act);
        register_module("conv1", _conv1);
        register_module("conv2", _conv2);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = _conv1.call(NormalizeAndActivate(_norm1, x));
        y = _conv2.call(NormalizeAndActivate(_norm2, y));
        return y.PlusInPlace(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        var y = ModuleExport.Export(_conv1, graph, graph.Relu(ModuleExport.Export(_norm1, graph, input)));
        y = ModuleExport.Export(_conv2, graph, graph.Relu(ModuleExport.Export(_norm2, graph, y)));
        return graph.Add(y, input);
    }

    private Tensor NormalizeAndActivate(nn.Module<Tensor, Tensor> norm, Tensor x) => NormalizeAndActivate(norm, _act, x);

    /// <summary>norm → ReLU; the activation is an in-place ReLU, which a group norm applies as it writes its output.</summary>
    internal static Tensor NormalizeAndActivate(nn.Module<Tensor, Tensor> norm, nn.Module<Tensor, Tensor> relu, Tensor x) =>
        norm is GroupNormLayer groupNorm ? groupNorm.NormalizeAndRectify(x) : relu.call(norm.call(x));
}
