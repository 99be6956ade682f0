using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Pipeline.Onnx;

/// <summary>Reads and replaces the values of a graph's constant tensors, whichever of TensorProto's two float encodings (raw bytes or float_data) they use.</summary>
internal static class InitializerValues
{
    /// <summary>The float32 values of <paramref name="tensor"/>.</summary>
    public static float[] Floats(TensorProto tensor) =>
        tensor.DataType != (int)TensorProto.Types.DataType.Float ? throw new InvalidOperationException($"{tensor.Name} is not float32")
        : tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];

    /// <summary>Replaces the values of <paramref name="tensor"/> with <paramref name="values"/> (raw little-endian bytes) and sets its element type.</summary>
    public static void Set<T>(TensorProto tensor, T[] values, TensorProto.Types.DataType type) where T : struct
    {
        tensor.FloatData.Clear();
        tensor.DataType = (int)type;
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
