using static TorchSharp.torch;

namespace Pipeline.Networks.Export;

public static partial class GraphOps
{
    /// <summary>Matrix product with numpy broadcasting over leading axes.</summary>
    public static string MatMul(this IGraphBuilder g, string a, string b) => g.Node("MatMul", [a, b]);

    /// <summary>Reshapes <paramref name="x"/> to <paramref name="shape"/> (0 keeps that axis, −1 is inferred).</summary>
    public static string Reshape(this IGraphBuilder g, string x, long[] shape, string hint) =>
        g.Node("Reshape", [x, g.Longs(hint + ".shape", shape)], hint: hint);

    /// <summary>PyTorch's <c>Linear</c> over the last axis: x·Wᵀ + b; <paramref name="bias"/> may be null.</summary>
    public static string Linear(this IGraphBuilder g, string x, Tensor weight, Tensor? bias, string hint)
    {
        ArgumentNullException.ThrowIfNull(weight);
        using var transposed = weight.detach().t().contiguous();
        var y = g.Node("MatMul", [x, g.Initializer(transposed, hint + ".weight")], hint: hint);
        return bias is null ? y : g.Add(y, g.Initializer(bias.detach(), hint + ".bias"));
    }

    /// <summary>LayerNorm over the last axis (opset 17's LayerNormalization); null weight and bias are 1 and 0.</summary>
    public static string LayerNorm(this IGraphBuilder g, string x, long channels, Tensor? weight, Tensor? bias, double eps, string hint)
    {
        var (scale, shift) = Affine(g, weight, bias, channels, hint);
        return g.Node("LayerNormalization", [x, scale, shift], new Dictionary<string, object> { ["axis"] = -1L, ["epsilon"] = eps }, hint);
    }

    /// <summary>Exact (erf) GELU, 0.5·x·(1 + erf(x/√2)): opset 17 has no Gelu operator.</summary>
    public static string Gelu(this IGraphBuilder g, string x, string hint)
    {
        var erf = g.Node("Erf", [g.Mul(x, g.Floats(hint + ".inv_sqrt2", (float)(1 / Math.Sqrt(2))))], hint: hint + ".erf");
        var gate = g.Add(erf, g.Floats(hint + ".one", 1f));
        return g.Mul(g.Mul(x, gate), g.Floats(hint + ".half", 0.5f));
    }

    /// <summary>The elements [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="x"/> along <paramref name="axis"/>, every <paramref name="step"/>-th.</summary>
    public static string SliceAxis(this IGraphBuilder g, string x, long axis, long start, long end, long step, string hint) =>
        g.Node("Slice", [x, g.Longs(hint + ".start", start), g.Longs(hint + ".end", end), g.Longs(hint + ".axes", axis), g.Longs(hint + ".steps", step)],
            hint: hint);

    /// <summary>Joins values along <paramref name="axis"/>, in the order given.</summary>
    public static string ConcatAxis(this IGraphBuilder g, long axis, params string[] values) =>
        g.Node("Concat", values, new Dictionary<string, object> { ["axis"] = axis });

    /// <summary><c>torch.roll</c> by <paramref name="shift"/> along <paramref name="axis"/> of known <paramref name="length"/>, as two slices joined in swapped order.</summary>
    public static string Roll(this IGraphBuilder g, string x, long shift, long axis, long length, string hint)
    {
        var split = ((-shift % length) + length) % length;
        if (split == 0) return x;
        var head = g.SliceAxis(x, axis, split, length, 1, hint + ".head");
        var tail = g.SliceAxis(x, axis, 0, split, 1, hint + ".tail");
        return g.ConcatAxis(axis, head, tail);
    }
}
