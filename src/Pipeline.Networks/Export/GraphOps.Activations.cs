namespace Pipeline.Networks.Export;

public static partial class GraphOps
{
    /// <summary>Elementwise x for x ≥ 0, <paramref name="negativeSlope"/>·x below.</summary>
    public static string LeakyRelu(this IGraphBuilder g, string x, double negativeSlope) =>
        g.Node("LeakyRelu", [x], new Dictionary<string, object> { ["alpha"] = negativeSlope });

    /// <summary>Elementwise x for x ≥ 0, α·(eˣ − 1) below.</summary>
    public static string Elu(this IGraphBuilder g, string x, double alpha) =>
        g.Node("Elu", [x], new Dictionary<string, object> { ["alpha"] = alpha });

    /// <summary>Softmax over <paramref name="axis"/> (negative counts from the last).</summary>
    public static string Softmax(this IGraphBuilder g, string x, long axis) =>
        g.Node("Softmax", [x], new Dictionary<string, object> { ["axis"] = axis });
}
