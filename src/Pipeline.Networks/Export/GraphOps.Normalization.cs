using static TorchSharp.torch;

namespace Pipeline.Networks.Export;

public static partial class GraphOps
{
    /// <summary>Inference-mode batch norm: the running statistics and an optional affine (null weight and bias: 1 and 0).</summary>
    public static string BatchNorm(this IGraphBuilder g, string x, Tensor runningMean, Tensor runningVar, Tensor? weight, Tensor? bias, double eps, string hint)
    {
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        var (scale, shift) = Affine(g, weight, bias, runningMean.shape[0], hint);
        return g.Node("BatchNormalization",
            [x, scale, shift, g.Initializer(runningMean, hint + ".running_mean"), g.Initializer(runningVar, hint + ".running_var")],
            new Dictionary<string, object> { ["epsilon"] = eps }, hint);
    }

    /// <summary>Instance norm over each channel's spatial extent, with an optional affine (null weight and bias: 1 and 0).</summary>
    public static string InstanceNorm(this IGraphBuilder g, string x, long channels, Tensor? weight, Tensor? bias, double eps, string hint)
    {
        var (scale, shift) = Affine(g, weight, bias, channels, hint);
        return g.Node("InstanceNormalization", [x, scale, shift], new Dictionary<string, object> { ["epsilon"] = eps }, hint);
    }

    // Both ONNX norms take a per-channel scale and shift as required inputs.
    private static (string Scale, string Shift) Affine(IGraphBuilder g, Tensor? weight, Tensor? bias, long channels, string hint) =>
    (
        weight is null ? g.Floats(hint + ".weight", Enumerable.Repeat(1f, (int)channels).ToArray()) : g.Initializer(weight, hint + ".weight"),
        bias is null ? g.Floats(hint + ".bias", new float[channels]) : g.Initializer(bias, hint + ".bias")
    );
}
