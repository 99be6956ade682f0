using Pipeline.Native;
using Pipeline.Networks.Export;
using TorchSharp;
using static TorchSharp.torch;
using static Pipeline.Networks.Models.SegAhnetLayers;

namespace Pipeline.Networks.Models;

/// <summary>AHNet's encoder block (MONAI <c>Bottleneck3x3x1</c>): ResNet-50's bottleneck with a 3×3×1 in-plane middle conv.</summary>
/// <remarks>
/// 1×1×1 conv → BN → ReLU → 3×3×1 conv (stride (s, s, 1)) → BN → ReLU → 1×1×1 conv (planes·4) → BN, plus the shortcut, then
/// ReLU. The shortcut (<c>downsample</c>: 1×1×1 conv with stride (s, s, 1), max-pool (1, 1, s), BN) also halves the
/// through-plane axis, so the main path is then max-pooled (1, 1, 2) by <c>pool</c> to match it.
/// Child names (conv1, bn1, …, downsample.0/.2, pool) are MONAI's.
/// </remarks>
public sealed class SegAhnetBottleneck : nn.Module<Tensor, Tensor>, IExportable
{
    /// <summary>Output channels per <c>planes</c>.</summary>
    public const int Expansion = 4;

    private readonly nn.Module<Tensor, Tensor> _conv1;
    private readonly nn.Module<Tensor, Tensor> _bn1;
    private readonly nn.Module<Tensor, Tensor> _conv2;
    private readonly nn.Module<Tensor, Tensor> _bn2;
    private readonly nn.Module<Tensor, Tensor> _conv3;
    private readonly nn.Module<Tensor, Tensor> _bn3;
    private readonly nn.Module<Tensor, Tensor>? _downsample;
    private readonly nn.Module<Tensor, Tensor> _pool;
    private readonly bool _poolsMainPath;

    /// <summary>Builds the block; <paramref name="stride"/> applies in-plane, and a shortcut is built when requested.</summary>
    public SegAhnetBottleneck(int dims, long inPlanes, long planes, long stride, bool withDownsample) : base(nameof(SegAhnetBottleneck))
    {
        var one = Enumerable.Repeat(1L, dims).ToArray();
        _conv1 = Conv(dims, inPlanes, planes, one);
        _bn1 = BatchNorm(dims, planes);
        _conv2 = Conv(dims, planes, planes, Last(dims, 3, 3, 1), First(dims, stride, stride, 1), Last(dims, 1, 1, 0));
        _bn2 = BatchNorm(dims, planes);
        _conv3 = Conv(dims, planes, planes * Expansion, one);
        _bn3 = BatchNorm(dims, planes * Expansion);
        if (withDownsample)
            _downsample = nn.Sequential(
                ("0", Conv(dims, inPlanes, planes * Expansion, one, First(dims, stride, stride, 1))),
                ("1", MaxPool(dims, First(dims, 1, 1, stride), First(dims, 1, 1, stride))),
                ("2", BatchNorm(dims, planes * Expansion)));
        _pool = MaxPool(dims, Last(dims, 1, 1, 2), Last(dims, 1, 1, 2));
        // The forward compares shapes, which a graph cannot; they differ exactly when the shortcut's max-pool halves the
        // through-plane axis: in 3D with stride > 1 (both paths stride the in-plane axes alike, and 2D's pool is 1×1).
        _poolsMainPath = withDownsample && dims == 3 && stride > 1;

        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("conv2", _conv2);
        register_module("bn2", _bn2);
        register_module("conv3", _conv3);
        register_module("bn3", _bn3);
        if (_downsample is not null) register_module("downsample", _downsample);
        register_module("pool", _pool);
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
        var h = nn.functional.relu(_bn1.call(_conv1.call(x)));
        h = nn.functional.relu(_bn2.call(_conv2.call(h)));
        h = _bn3.call(_conv3.call(h));
        var residual = x;
        if (_downsample is not null)
        {
            residual = _downsample.call(x);
            if (!h.shape.SequenceEqual(residual.shape)) h = _pool.call(h);
        }
        return nn.functional.relu(h.PlusInPlace(residual)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        var h = graph.Relu(ModuleExport.Export(_bn1, graph, ModuleExport.Export(_conv1, graph, input)));
        h = graph.Relu(ModuleExport.Export(_bn2, graph, ModuleExport.Export(_conv2, graph, h)));
        h = ModuleExport.Export(_bn3, graph, ModuleExport.Export(_conv3, graph, h));
        var residual = input;
        if (_downsample is not null)
        {
            residual = ModuleExport.Export(_downsample, graph, input);
            if (_poolsMainPath) h = ModuleExport.Export(_pool, graph, h);
        }
        return graph.Relu(graph.Add(h, residual));
    }
}
