using Pipeline.Networks.Export;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>MLPBlock</c> in "swin" dropout mode: linear1 → GELU → dropout → linear2 → dropout (same rate).</summary>
public sealed class SwinMlp : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _linear1;
    private readonly nn.Module<Tensor, Tensor> _linear2;
    private readonly nn.Module<Tensor, Tensor> _fn;
    private readonly nn.Module<Tensor, Tensor> _drop1;
    private readonly nn.Module<Tensor, Tensor> _drop2;

    /// <summary>Builds the MLP <paramref name="dim"/> → <paramref name="hidden"/> → <paramref name="dim"/>.</summary>
    public SwinMlp(long dim, long hidden, double dropout) : base(nameof(SwinMlp))
    {
        _linear1 = nn.Linear(dim, hidden);
        _linear2 = nn.Linear(hidden, dim);
        _fn = nn.GELU();
        _drop1 = nn.Dropout(dropout);
        _drop2 = nn.Dropout(dropout);
        register_module("linear1", _linear1);
        register_module("linear2", _linear2);
        register_module("fn", _fn);
        register_module("drop1", _drop1);
        register_module("drop2", _drop2);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _drop1.call(_fn.call(_linear1.call(x)));
        return _drop2.call(_linear2.call(h)).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the inference-mode MLP (dropouts pass through) on the channels-last value <paramref name="x"/>.</summary>
    internal string Export(IGraphBuilder graph, string x, string hint)
    {
        var linear1 = (Linear)_linear1;
        var linear2 = (Linear)_linear2;
        var h = graph.Gelu(graph.Linear(x, linear1.weight!, linear1.bias, hint + ".linear1"), hint + ".fn");
        return graph.Linear(h, linear2.weight!, linear2.bias, hint + ".linear2");
    }
}
