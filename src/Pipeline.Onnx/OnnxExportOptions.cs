using static TorchSharp.torch;

namespace Pipeline.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes a network.</summary>
/// <param name="Opset">The ONNX operator set (default 17: every operator used is stable there, and ONNX Runtime 1.32 runs up to 23).</param>
/// <param name="SpatialShape">The input size of a fixed-shape network whose contract does not record one (e.g. 96,96,96); ignored for dynamic-shape networks.</param>
public sealed record OnnxExportOptions(int Opset = 17, IReadOnlyList<int>? SpatialShape = null)
{
    /// <summary>The precision of the weights and the graph: float32, or float16 with float32 input and output.</summary>
    public ScalarType Precision { get; init; } = ScalarType.Float32;
}
