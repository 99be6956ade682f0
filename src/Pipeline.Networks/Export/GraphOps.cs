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
    public static string DoubleSize(this IGraphBuilder g, string x, int spatialDims, string hint) =>
        g.Upscale(x, [.. Enumerable.Repeat(2L, spatialDims)], nearest: false, alignCorners: false, hint);

    /// <summary>Permutes the axes as torch's <c>permute(perm)</c>.</summary>
    public static string Transpose(this IGraphBuilder g, string x, long[] perm) =>
        g.Node("Transpose", [x], new Dictionary<string, object> { ["perm"] = perm });

    /// <summary>Multiplies every spatial size by a whole factor, as <c>interpolate(scale_factor=…)</c>, linear (either align_corners) or nearest.</summary>
    /// <remarks>Nearest is PyTorch's legacy mode: source index ⌊i / factor⌋, which ONNX's asymmetric floor mode reproduces exactly for whole factors.</remarks>
    public static string Upscale(this IGraphBuilder g, string x, IReadOnlyList<long> factors, bool nearest, bool alignCorners, string hint)
    {
        ArgumentNullException.ThrowIfNull(factors);
        var scales = g.Floats(hint + ".scales", [1f, 1f, .. factors.Select(f => (float)f)]);
        return g.Node("Resize", [x, "", scales], ResizeAttributes(nearest, alignCorners), hint);
    }

    /// <summary>Linear interpolation to the spatial size of <paramref name="reference"/> (read at run time), as <c>interpolate(size=…)</c>.</summary>
    public static string LinearResizeLike(this IGraphBuilder g, string x, string reference, bool alignCorners, string hint)
    {
        var sizes = g.Node("Concat", [g.ShapeSlice(x, 0, 2, hint), g.ShapeSlice(reference, 2, null, hint)],
            new Dictionary<string, object> { ["axis"] = 0L }, hint + ".sizes");
        return g.Node("Resize", [x, "", "", sizes], ResizeAttributes(nearest: false, alignCorners), hint);
    }

    /// <summary>PyTorch's legacy nearest interpolation to the spatial size of <paramref name="reference"/> (read at run time), as <c>interpolate(size=…)</c>.</summary>
    /// <remarks>
    /// Written as one gather per axis whose indices repeat PyTorch's fp32 arithmetic, ⌊i · ((float)in / out)⌋ capped at
    /// in − 1: ONNX Resize computes the source as i / (out / in), which in fp32 lands on the other side of an integer for some
    /// sizes (e.g. 60 → 464: SegAhnet's 8× PSP branch at an in-plane size of 928) and would pick another voxel there.
    /// </remarks>
    public static string NearestResizeLike(this IGraphBuilder g, string x, string reference, int spatialDims, string hint)
    {
        var zero = g.Scalar(hint + ".zero", 0);
        var one = g.Scalar(hint + ".one", 1);
        var lastOffset = g.Longs(hint + ".one_vector", 1);
        for (var axis = 2L; axis < 2 + spatialDims; axis++)
        {
            var inLength = g.ShapeSlice(x, axis, axis + 1, hint);
            var outLength = g.ShapeSlice(reference, axis, axis + 1, hint);
            var scale = g.Node("Div", [g.Cast(inLength, ToFloat, hint), g.Cast(outLength, ToFloat, hint)], hint: hint + ".scale");
            var outScalar = g.Node("Squeeze", [outLength, g.Longs(hint + ".axis0", 0)], hint: hint + ".length");
            var positions = g.Cast(g.Node("Range", [zero, outScalar, one], hint: hint + ".positions"), ToFloat, hint);
            var source = g.Cast(g.Node("Floor", [g.Mul(positions, scale)], hint: hint + ".floor"), ToLong, hint);
            var index = g.Node("Min", [source, g.Node("Sub", [inLength, lastOffset], hint: hint + ".last")], hint: hint + ".index");
            x = g.Node("Gather", [x, index], new Dictionary<string, object> { ["axis"] = axis }, hint);
        }
        return x;
    }

    // ONNX TensorProto element types for Cast.
    private const long ToFloat = 1, ToLong = 7;

    private static string Cast(this IGraphBuilder g, string x, long to, string hint) =>
        g.Node("Cast", [x], new Dictionary<string, object> { ["to"] = to }, hint + ".cast");

    private static string Scalar(this IGraphBuilder g, string hint, long value)
    {
        using var scalar = tensor(value, ScalarType.Int64);
        return g.Initializer(scalar, hint);
    }

    // Axes [start, end) of x's shape, as an int64 vector; a null end reads to the last axis.
    private static string ShapeSlice(this IGraphBuilder g, string x, long start, long? end, string hint)
    {
        var attributes = new Dictionary<string, object> { ["start"] = start };
        if (end is { } e) attributes["end"] = e;
        return g.Node("Shape", [x], attributes, hint + ".shape");
    }

    private static Dictionary<string, object> ResizeAttributes(bool nearest, bool alignCorners) => nearest
        ? new()
        {
            ["mode"] = "nearest",
            ["coordinate_transformation_mode"] = "asymmetric",
            ["nearest_mode"] = "floor",
        }
        : new()
        {
            ["mode"] = "linear",
            ["coordinate_transformation_mode"] = alignCorners ? "align_corners" : "half_pixel",
        };
}
