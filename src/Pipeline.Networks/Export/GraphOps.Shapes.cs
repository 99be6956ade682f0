namespace Pipeline.Networks.Export;

public static partial class GraphOps
{
    /// <summary>Joins values along the channel axis (1), in the order given.</summary>
    public static string Concat(this IGraphBuilder g, params string[] values) =>
        g.Node("Concat", values, new Dictionary<string, object> { ["axis"] = 1L });

    /// <summary>Zero padding of the spatial axes: <paramref name="before"/> and <paramref name="after"/> voxels per spatial axis, batch and channels untouched.</summary>
    public static string Pad(this IGraphBuilder g, string x, long[] before, long[] after, string hint)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Length != after.Length) throw new ArgumentException($"{before.Length} leading and {after.Length} trailing pads", nameof(after));
        // ONNX lists all leading pads (batch, channel, spatial…) and then all trailing ones.
        long[] pads = [0, 0, .. before, 0, 0, .. after];
        return g.Node("Pad", [x, g.Longs(hint + ".pads", pads)], new Dictionary<string, object> { ["mode"] = "constant" }, hint);
    }

    /// <summary>
    /// The centre of <paramref name="x"/> the spatial size of <paramref name="like"/>, starting (size(x) − size(like)) / 2
    /// voxels in (rounded down), as <c>narrow</c> with those offsets; the sizes are read at run time, so spatial axes may vary.
    /// </summary>
    public static string CenterCrop(this IGraphBuilder g, string x, string like, int spatialDims, string hint)
    {
        var spatial = new Dictionary<string, object> { ["start"] = 2L };
        var size = g.Node("Shape", [x], spatial, hint + ".size");
        var target = g.Node("Shape", [like], spatial, hint + ".target");
        // Int64 Div truncates, which is floor here: the skip is never smaller than the up path.
        var start = g.Node("Div", [g.Node("Sub", [size, target], hint: hint + ".margin"), g.Longs(hint + ".two", 2)], hint: hint + ".start");
        var end = g.Add(start, target);
        var axes = g.Longs(hint + ".axes", [.. Enumerable.Range(2, spatialDims).Select(a => (long)a)]);
        return g.Node("Slice", [x, start, end, axes], hint: hint);
    }
}
