using static TorchSharp.torch;

namespace Pipeline.Networks.Export;

/// <summary>The ONNX operators our modules are written with, as typed helpers over <see cref="IGraphBuilder.Node"/>.</summary>
public static partial class GraphOps
{
    /// <summary>Elementwise max(x, 0).</summary>
    public static string Relu(this IGraphBuilder g, string x) => g.Node("Relu", [x]);

    /// <summary>Elementwise sum.</summary>
    public static string Add(this IGraphBuilder g, string a, string b) => g.Node("Add", [a, b]);

    /// <summary>Elementwise product.</summary>
    public static string Mul(this IGraphBuilder g, string a, string b) => g.Node("Mul", [a, b]);

    /// <summary>Softmax over the channel axis (1).</summary>
    public static string Softmax(this IGraphBuilder g, string x) => g.Node("Softmax", [x], new Dictionary<string, object> { ["axis"] = 1L });

    /// <summary>Elementwise logistic.</summary>
    public static string Sigmoid(this IGraphBuilder g, string x) => g.Node("Sigmoid", [x]);

    /// <summary>An int64 vector constant (shapes, axes).</summary>
    public static string Longs(this IGraphBuilder g, string hint, params long[] values)
    {
        using var value = tensor(values, ScalarType.Int64);
        return g.Initializer(value, hint);
    }

    /// <summary>A float vector constant.</summary>
    public static string Floats(this IGraphBuilder g, string hint, params float[] values)
    {
        using var value = tensor(values, ScalarType.Float32);
        return g.Initializer(value, hint);
    }

    /// <summary>Convolution (or transposed convolution) with PyTorch's arguments; <paramref name="bias"/> may be null.</summary>
    public static string Convolution(this IGraphBuilder g, string x, Tensor weight, Tensor? bias, bool transposed, long[] stride, long[] padding,
        long[] dilation, long[] outputPadding, string hint)
    {
        var w = g.Initializer(weight, hint + ".weight");
        var inputs = bias is null ? new[] { x, w } : [x, w, g.Initializer(bias, hint + ".bias")];
        var attributes = new Dictionary<string, object>
        {
            ["kernel_shape"] = weight.shape.Skip(2).ToArray(),
            ["strides"] = stride,
            ["pads"] = padding.Concat(padding).ToArray(),
            ["dilations"] = dilation,
        };
        if (transposed && outputPadding.Any(p => p != 0)) attributes["output_padding"] = outputPadding;
        return g.Node(transposed ? "ConvTranspose" : "Conv", inputs, attributes, hint);
    }

    /// <summary>
    /// GroupNorm written with opset-stable operators: the channels are folded into [B, G, rest], instance-normalised
    /// (one group per "channel"), unfolded, and scaled and shifted per channel. (ONNX's own GroupNormalization changed
    /// its scale from per-group to per-channel between opsets, so runtimes disagree on it.)
    /// </summary>
    public static string GroupNorm(this IGraphBuilder g, string x, long groups, Tensor weight, Tensor bias, double eps, int spatialDims, string hint)
    {
        var folded = g.Node("Reshape", [x, g.Longs(hint + ".fold", 0, groups, -1)], hint: hint + ".fold");
        var ones = g.Floats(hint + ".ones", Enumerable.Repeat(1f, (int)groups).ToArray());
        var zeros = g.Floats(hint + ".zeros", new float[groups]);
        var normalized = g.Node("InstanceNormalization", [folded, ones, zeros], new Dictionary<string, object> { ["epsilon"] = eps }, hint);
        var unfolded = g.Node("Reshape", [normalized, g.Node("Shape", [x], hint: hint + ".shape")], hint: hint + ".unfold");
        var perChannel = new long[] { -1 }.Concat(Enumerable.Repeat(1L, spatialDims)).ToArray();
        using var w = weight.detach().reshape(perChannel);
        using var b = bias.detach().reshape(perChannel);
        return g.Add(g.Mul(unfolded, g.Initializer(w, hint + ".weight")), g.Initializer(b, hint + ".bias"));
    }

    /// <summary>Doubles every spatial size by linear interpolation, align_corners false (PyTorch's half-pixel convention).</summary>
    public static string DoubleSize(this IGraphBuilder g, string x, int spatialDims, string hint)
    {
        var scales = g.Floats(hint + ".scales", [1f, 1f, .. Enumerable.Repeat(2f, spatialDims)]);
        return g.Node("Resize", [x, "", scales], new Dictionary<string, object>
        {
            ["mode"] = "linear",
            ["coordinate_transformation_mode"] = "half_pixel",
        }, hint);
    }
}
