using Pipeline.Networks.Layers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>Float64 references for ConvolutionLayer checks: float64 convolutions do not go through oneDNN.</summary>
internal static class Float64Reference
{
    /// <summary>Largest absolute difference relative to the largest magnitude of <paramref name="expected"/> (float64).</summary>
    public static double RelativeError(Tensor actual, Tensor expected) =>
        ((actual.to(ScalarType.Float64) - expected).abs().max() / expected.abs().max()).item<double>();

    /// <summary>The layer's 3-D convolution of <paramref name="x64"/> in float64, and the float64 kernel it used (which records gradients).</summary>
    public static (Tensor Output, Tensor Weight) Conv3d(ConvolutionLayer layer, Tensor x64, long[]? padding = null, long[]? strides = null)
    {
        var weight = layer.Weight.detach().to(ScalarType.Float64).requires_grad_(true);
        var output = nn.functional.conv3d(x64, weight, layer.Bias?.detach().to(ScalarType.Float64), strides, padding);
        return (output, weight);
    }
}
