using Google.Protobuf;
using Onnx;
using Pipeline.Networks.Export;
using static TorchSharp.torch;

namespace Pipeline.Onnx;

/// <summary>Collects a module's graph as ONNX protobuf messages: nodes in the order they are added, weights as float32 initializers.</summary>
public sealed class OnnxGraphBuilder : IGraphBuilder
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new();

    /// <inheritdoc />
    public string Initializer(Tensor value, string hint)
    {
        ArgumentNullException.ThrowIfNull(value);
        var name = Unique(hint);
        using var cpu = value.detach().cpu();
        using var converted = cpu.is_floating_point() ? cpu.to_type(ScalarType.Float32) : cpu.to_type(ScalarType.Int64);
        using var contiguous = converted.contiguous();
        var proto = new TensorProto { Name = name, DataType = (int)ElementType(contiguous.dtype) };
        proto.Dims.AddRange(contiguous.shape);
        proto.RawData = ByteString.CopyFrom(contiguous.bytes);
        Graph.Initializer.Add(proto);
        return name;
    }

    /// <inheritdoc />
    public string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, object>? attributes = null, string? hint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        var name = Unique(hint ?? opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        foreach (var (key, value) in attributes ?? new Dictionary<string, object>())
            node.Attribute.Add(Attribute(key, value));
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>The ONNX element type of a tensor type.</summary>
    public static TensorProto.Types.DataType ElementType(ScalarType type) => type switch
    {
        ScalarType.Float32 => TensorProto.Types.DataType.Float,
        ScalarType.Float16 => TensorProto.Types.DataType.Float16,
        ScalarType.Float64 => TensorProto.Types.DataType.Double,
        ScalarType.Int64 => TensorProto.Types.DataType.Int64,
        ScalarType.Int32 => TensorProto.Types.DataType.Int32,
        _ => throw new ExportNotSupportedException($"tensors of type {type} have no ONNX form here"),
    };

    private static AttributeProto Attribute(string name, object value)
    {
        var attribute = new AttributeProto { Name = name };
        switch (value)
        {
            case long l:
                attribute.Type = AttributeProto.Types.AttributeType.Int;
                attribute.I = l;
                break;
            case double d:
                attribute.Type = AttributeProto.Types.AttributeType.Float;
                attribute.F = (float)d;
                break;
            case string s:
                attribute.Type = AttributeProto.Types.AttributeType.String;
                attribute.S = ByteString.CopyFromUtf8(s);
                break;
            case long[] longs:
                attribute.Type = AttributeProto.Types.AttributeType.Ints;
                attribute.Ints.AddRange(longs);
                break;
            case double[] doubles:
                attribute.Type = AttributeProto.Types.AttributeType.Floats;
                attribute.Floats.AddRange(doubles.Select(d => (float)d));
                break;
            default:
                throw new ArgumentException($"attribute '{name}' has a value of type {value?.GetType().Name ?? "null"}, which ONNX attributes do not take", nameof(value));
        }
        return attribute;
    }

    private string Unique(string hint)
    {
        var count = _counts.GetValueOrDefault(hint);
        _counts[hint] = count + 1;
        return count == 0 ? hint : $"{hint}_{count}";
    }
}
