using static TorchSharp.torch;

namespace Pipeline.Networks.Export;

/// <summary>What a module writes its inference graph into: named values, weights and operator nodes (ONNX operators and attribute conventions).</summary>
public interface IGraphBuilder
{
    /// <summary>Adds a constant (a weight, a shape) under a name derived from <paramref name="hint"/>; returns the value's name.</summary>
    string Initializer(Tensor value, string hint);

    /// <summary>Adds one operator node reading <paramref name="inputs"/> (an empty name is an omitted optional input); returns its output's name.</summary>
    /// <param name="opType">The ONNX operator, e.g. <c>Conv</c>.</param>
    /// <param name="inputs">Input value names, in the operator's order.</param>
    /// <param name="attributes">Attributes: <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <c>long[]</c> or <c>double[]</c>.</param>
    /// <param name="hint">A readable stem for the node and output names.</param>
    string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, object>? attributes = null, string? hint = null);
}
