namespace Pipeline.Networks.Export;

public static partial class GraphOps
{
    /// <summary>Max pooling with PyTorch's arguments (floor mode: sizes rounded down); padding counts as −∞.</summary>
    public static string MaxPool(this IGraphBuilder g, string x, long[] kernel, long[] stride, long[] padding, long[] dilation, string hint)
    {
        ArgumentNullException.ThrowIfNull(padding);
        return g.Node("MaxPool", [x], new Dictionary<string, object>
        {
            ["kernel_shape"] = kernel,
            ["strides"] = stride,
            ["pads"] = padding.Concat(padding).ToArray(),
            ["dilations"] = dilation,
        }, hint);
    }

    /// <summary>Average pooling with PyTorch's arguments (floor mode); <paramref name="countIncludePad"/> divides by the whole window at the borders.</summary>
    public static string AveragePool(this IGraphBuilder g, string x, long[] kernel, long[] stride, long[] padding, bool countIncludePad, string hint)
    {
        ArgumentNullException.ThrowIfNull(padding);
        return g.Node("AveragePool", [x], new Dictionary<string, object>
        {
            ["kernel_shape"] = kernel,
            ["strides"] = stride,
            ["pads"] = padding.Concat(padding).ToArray(),
            ["count_include_pad"] = countIncludePad ? 1L : 0L,
        }, hint);
    }

    /// <summary>Doubles every spatial size by repeating each voxel, as PyTorch's nearest interpolation with scale factor 2 (source index ⌊i / 2⌋).</summary>
    public static string DoubleSizeNearest(this IGraphBuilder g, string x, int spatialDims, string hint)
    {
        var scales = g.Floats(hint + ".scales", [1f, 1f, .. Enumerable.Repeat(2f, spatialDims)]);
        return g.Node("Resize", [x, "", scales], new Dictionary<string, object>
        {
            ["mode"] = "nearest",
            ["coordinate_transformation_mode"] = "asymmetric",
            ["nearest_mode"] = "floor",
        }, hint);
    }
}
