namespace Pipeline.Networks.Export;

/// <summary>A module whose graph depends on the input's spatial size (window fitting, padding, masks), so it is written for one fixed size.</summary>
public interface ISizedExportable
{
    /// <summary>Adds the nodes computing this module's output from <paramref name="input"/> of spatial size <paramref name="spatialShape"/>; returns the output's name.</summary>
    string Export(IGraphBuilder graph, string input, IReadOnlyList<long> spatialShape);
}
