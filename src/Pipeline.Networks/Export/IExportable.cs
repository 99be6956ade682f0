namespace Pipeline.Networks.Export;

/// <summary>A module that can write its inference-mode forward pass into a graph (for ONNX export).</summary>
public interface IExportable
{
    /// <summary>Adds the nodes computing this module's output from the value <paramref name="input"/>; returns the output's name.</summary>
    string Export(IGraphBuilder graph, string input);
}
