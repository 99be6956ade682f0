using Onnx;
using Pipeline.Networks.Export;

namespace Pipeline.Onnx;

/// <summary>
/// Turns a float32 graph into a float16 one whose input and output stay float32 (ONNX converter's <c>keep_io_types</c>):
/// the weights are stored in float16, the input is cast down on entry and the prediction cast up on exit, so a deployer
/// feeds and reads the same tensors as from the float32 model.
/// </summary>
/// <remarks>
/// Operator inputs that ONNX types as float whatever the data's type (Resize's roi and scales) keep their float32
/// constants; index arithmetic that casts shapes to float reads no weights and is left as it is.
/// </remarks>
internal static class Float16Conversion
{
    private static readonly Dictionary<string, int[]> FloatOnlyInputs = new(StringComparer.Ordinal) { ["Resize"] = [1, 2] };

    /// <summary>Rewrites <paramref name="graph"/> in place; its input and output are named <paramref name="input"/> and <paramref name="output"/>.</summary>
    /// <exception cref="ExportNotSupportedException">A weight holds a value beyond float16's range (±65504).</exception>
    public static void Apply(GraphProto graph, string input, string output)
    {
        BatchNormFolding.Apply(graph);
        var floatOnly = graph.Node
            .SelectMany(n => FloatOnlyInputs.TryGetValue(n.OpType, out var slots) ? slots.Where(s => s < n.Input.Count).Select(s => n.Input[s]) : [])
            .ToHashSet(StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
            if (initializer.DataType == (int)TensorProto.Types.DataType.Float && !floatOnly.Contains(initializer.Name))
                ToHalf(initializer);

        var halfInput = input + ".fp16";
        foreach (var node in graph.Node)
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == input) node.Input[i] = halfInput;
        graph.Node.Insert(0, Cast(input, halfInput, TensorProto.Types.DataType.Float16));

        var halfOutput = output + ".fp16";
        var last = graph.Node.Single(n => n.Output.Contains(output));
        last.Output[last.Output.IndexOf(output)] = halfOutput;
        graph.Node.Add(Cast(halfOutput, output, TensorProto.Types.DataType.Float));
    }

    private static void ToHalf(TensorProto initializer)
    {
        var values = InitializerValues.Floats(initializer);
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
            if (Half.IsInfinity(halves[i]) && float.IsFinite(values[i]))
                throw new ExportNotSupportedException(
                    $"the weight '{initializer.Name}' holds {values[i]}, beyond float16's range (±65504); export it in fp32");
        }
        InitializerValues.Set(initializer, halves, TensorProto.Types.DataType.Float16);
    }

    private static NodeProto Cast(string from, string to, TensorProto.Types.DataType type)
    {
        var node = new NodeProto { OpType = "Cast", Name = to };
        node.Input.Add(from);
        node.Output.Add(to);
        node.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)type });
        return node;
    }
}
