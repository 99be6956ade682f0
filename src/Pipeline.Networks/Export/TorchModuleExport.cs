using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Export;

/// <summary>The inference graphs of TorchSharp's own norm, pooling and activation layers.</summary>
internal static class TorchModuleExport
{
    /// <summary>Adds <paramref name="module"/>'s inference forward on <paramref name="input"/>; null when it is not one of these layers.</summary>
    /// <exception cref="ExportNotSupportedException">The layer is configured in a way ONNX does not compute the same.</exception>
    public static string? TryExport(nn.Module module, IGraphBuilder graph, string input) => module switch
    {
        BatchNorm norm => BatchNorm(norm, graph, input),
        InstanceNorm norm => InstanceNorm(norm, graph, input),
        LeakyReLU act => graph.LeakyRelu(input, act.negative_slope),
        ELU act => graph.Elu(input, act.alpha),
        Sigmoid => graph.Sigmoid(input),
        Softmax act => graph.Softmax(input, act.dim),
        MaxPool2d pool => MaxPool(module, graph, input, pool.kernel_size, pool.stride, pool.padding, pool.dilation, pool.ceil_mode),
        MaxPool3d pool => MaxPool(module, graph, input, pool.kernel_size, pool.stride, pool.padding, pool.dilation, pool.ceil_mode),
        AvgPool2d pool => AveragePool(module, graph, input, pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode, pool.count_include_pad, pool.divisor_override),
        AvgPool3d pool => AveragePool(module, graph, input, pool.kernel_size, pool.stride, pool.padding, pool.ceil_mode, pool.count_include_pad, pool.divisor_override),
        Upsample upsample => Upsample(upsample, graph, input),
        _ => null,
    };

    private static string Upsample(Upsample upsample, IGraphBuilder graph, string input)
    {
        var nearest = upsample.mode switch
        {
            UpsampleMode.Nearest => true,
            UpsampleMode.Linear or UpsampleMode.Bilinear or UpsampleMode.Trilinear => false,
            _ => throw new ExportNotSupportedException($"{upsample.GetName()} upsamples in {upsample.mode} mode, which has no exact ONNX form here"),
        };
        var factors = upsample.scale_factor.ToArray();
        // A single factor would need the input's rank, which the graph does not know; fractional factors make PyTorch's
        // and ONNX's source coordinates round differently.
        if (upsample.size.Length > 0 || factors.Length < 2 || factors.Any(f => f < 1 || f != Math.Floor(f)))
            throw new ExportNotSupportedException(
                $"{upsample.GetName()} upsamples by [{string.Join(", ", factors)}] to size [{string.Join(", ", upsample.size.ToArray())}]; " +
                "only whole scale factors given per spatial axis are exported");
        return graph.Upscale(input, [.. factors.Select(f => (long)f)], nearest, upsample.align_corners ?? false, "upsample");
    }

    private static string BatchNorm(BatchNorm norm, IGraphBuilder graph, string input)
    {
        // Without running statistics PyTorch normalises with the batch's own, even in eval mode: each output would depend on the other samples.
        if (norm.running_mean is null || norm.running_var is null)
            throw new ExportNotSupportedException(
                $"{norm.GetName()} has no running statistics (track_running_stats false), so it normalises with each batch's statistics at inference; " +
                "ONNX's BatchNormalization needs fixed ones");
        return graph.BatchNorm(input, norm.running_mean, norm.running_var, AffineWeight(norm), AffineBias(norm), norm.eps, "batch_norm");
    }

    // An instance norm that tracks running statistics uses them, not the instance's, in eval mode: that is a batch norm.
    private static string InstanceNorm(InstanceNorm norm, IGraphBuilder graph, string input) =>
        norm.track_running_stats && norm.running_mean is not null && norm.running_var is not null
            ? graph.BatchNorm(input, norm.running_mean, norm.running_var, AffineWeight(norm), AffineBias(norm), norm.eps, "instance_norm")
            : graph.InstanceNorm(input, norm.num_features, AffineWeight(norm), AffineBias(norm), norm.eps, "instance_norm");

    private static Tensor? AffineWeight(NormBase norm) => norm.affine ? norm.weight : null;

    private static Tensor? AffineBias(NormBase norm) => norm.affine ? norm.bias : null;

    private static string MaxPool(nn.Module module, IGraphBuilder graph, string input, long[] kernel, long[]? stride, long[]? padding, long[]? dilation,
        bool ceilMode)
    {
        RefuseCeilMode(module, ceilMode);
        return graph.MaxPool(input, kernel, stride ?? kernel, padding ?? new long[kernel.Length], dilation ?? Ones(kernel.Length), "max_pool");
    }

    private static string AveragePool(nn.Module module, IGraphBuilder graph, string input, long[] kernel, long[]? stride, long[]? padding, bool ceilMode,
        bool countIncludePad, long? divisorOverride)
    {
        RefuseCeilMode(module, ceilMode);
        if (divisorOverride is not null)
            throw new ExportNotSupportedException($"{module.GetName()} divides by a fixed {divisorOverride} (divisor_override), which ONNX's AveragePool cannot");
        return graph.AveragePool(input, kernel, stride ?? kernel, padding ?? new long[kernel.Length], countIncludePad, "avg_pool");
    }

    // PyTorch drops a last window that would start in the right padding; ONNX runtimes do not all apply that rule.
    private static void RefuseCeilMode(nn.Module module, bool ceilMode)
    {
        if (ceilMode)
            throw new ExportNotSupportedException($"{module.GetName()} rounds its output size up (ceil_mode), whose border windows ONNX runtimes count differently; use floor mode");
    }

    private static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();
}
