using Pipeline.Networks.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Pipeline.Networks.Models.SegAhnetLayers;

namespace Pipeline.Networks.Models;

/// <summary>AHNet's pyramid volumetric pooling (MONAI <c>PSP</c>): one single-channel map per in-plane pooling scale 8, 16, 32, 64.</summary>
/// <remarks>
/// Branch i max-pools in-plane by 2^(i+3), projects to one channel with a 1×1×1 conv (with bias) padded by one voxel
/// in-plane, and returns to the input size either by a transposed conv with kernel = stride = 2^(i+3) and padding
/// 2^(i+3) (the padding removes exactly the projection's border) or by interpolation to the input size. The in-plane
/// input size must therefore be a multiple of 2^(i+3) in transpose mode, and at least that in interpolation modes.
/// Child names (pool_modules, project_modules.i, up_modules.i) are MONAI's.
/// </remarks>
public sealed class SegAhnetPyramidPooling : nn.Module<Tensor, Tensor>, IExportable
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _pools = new();
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _projects = new();
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _ups = new();
    private readonly SegAhnetUpsampling _mode;
    private readonly int _dims;

    /// <summary>Builds <paramref name="branches"/> branches over <paramref name="inChannels"/> channels.</summary>
    public SegAhnetPyramidPooling(int dims, int branches, long inChannels, SegAhnetUpsampling mode) : base(nameof(SegAhnetPyramidPooling))
    {
        _mode = mode;
        _dims = dims;
        for (var i = 0; i < branches; i++)
        {
            long size = 1L << (i + 3);
            _pools.append(MaxPool(dims, Last(dims, size, size, 1), Last(dims, size, size, 1)));
            _projects.append(Conv(dims, inChannels, 1, Enumerable.Repeat(1L, dims).ToArray(), padding: Last(dims, 1, 1, 0), bias: true));
            if (mode == SegAhnetUpsampling.Transpose)
                _ups.append(ConvTranspose(dims, 1, 1, Last(dims, size, size, 1), Last(dims, size, size, 1), Last(dims, size, size, 0), bias: true));
        }
        register_module("up_modules", _ups);
        register_module("pool_modules", _pools);
        register_module("project_modules", _projects);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name.</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Maps [B, C, spatial…] to [B, branches, spatial…].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>(_pools.Count);
        var size = x.shape.Skip(2).ToArray();
        for (var i = 0; i < _pools.Count; i++)
        {
            var projected = _projects[i].call(_pools[i].call(x));
            outputs.Add(_mode switch
            {
                SegAhnetUpsampling.Transpose => _ups[i].call(projected),
                SegAhnetUpsampling.Linear => nn.functional.interpolate(projected, size,
                    mode: size.Length == 3 ? InterpolationMode.Trilinear : InterpolationMode.Bilinear, align_corners: true),
                _ => nn.functional.interpolate(projected, size, mode: InterpolationMode.Nearest),
            });
        }
        return cat(outputs, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>The interpolation modes read the input's size at run time, so the graph keeps dynamic spatial axes.</remarks>
    public string Export(IGraphBuilder graph, string input)
    {
        if (_pools.Count == 0) throw new ExportNotSupportedException($"{GetName()} has no branches, so it has no output");
        var outputs = new string[_pools.Count];
        for (var i = 0; i < _pools.Count; i++)
        {
            var projected = ModuleExport.Export(_projects[i], graph, ModuleExport.Export(_pools[i], graph, input));
            outputs[i] = _mode switch
            {
                SegAhnetUpsampling.Transpose => ModuleExport.Export(_ups[i], graph, projected),
                SegAhnetUpsampling.Linear => graph.LinearResizeLike(projected, input, alignCorners: true, "psp_resize"),
                _ => graph.NearestResizeLike(projected, input, _dims, "psp_resize"),
            };
        }
        return graph.Concat(outputs);
    }
}
