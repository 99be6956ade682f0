using System.Diagnostics;
using Pipeline.Configuration.Binding;
using Pipeline.IO;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Onnx;
using Pipeline.Workflows.ModelLoaders;

namespace Pipeline.Workflows.Export;

/// <summary>Exports a trained checkpoint as an ONNX model: rebuilds its network through the registry, writes the graph from the modules, checks the file by loading it in ONNX Runtime.</summary>
public static class ModelExport
{
    /// <summary>Exports <paramref name="checkpoint"/> to <paramref name="output"/> inside <paramref name="folder"/>.</summary>
    /// <exception cref="Networks.Export.ExportNotSupportedException">A module of the network has no ONNX form, or the input size of a fixed-shape network is unknown.</exception>
    public static ModelExportResult Run(string checkpoint, NetworkFactory networks, OutputFolder folder, string output, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = folder.Resolve(output);
        var watch = Stopwatch.StartNew();
        var (spec, contract, _) = CheckpointFile.ReadDescription(checkpoint);
        using var network = CheckpointNetwork.Load(checkpoint, networks);
        var model = OnnxExporter.Export(network, spec, contract, options);
        OnnxExporter.Write(model, folder, path);
        var seconds = watch.Elapsed.TotalSeconds;
        // ONNX Runtime's own loader is the first consumer: a model it refuses is not a model.
        using (new Microsoft.ML.OnnxRuntime.InferenceSession(path)) { }
        // Spatial axes are fixed where the contract fixes them or where the network's graph depends on the size (SwinUNETR).
        var spatial = model.Graph.Input[0].Type.TensorType.Shape.Dim.Skip(2).ToArray();
        IReadOnlyList<long>? fixedShape = spatial.All(d => d.DimParam.Length == 0) ? [.. spatial.Select(d => d.DimValue)] : null;
        return new ModelExportResult(path, new FileInfo(path).Length, seconds, spec, contract, model.Graph.Node.Count, fixedShape);
    }
}

/// <summary>What <see cref="ModelExport.Run"/> wrote.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Seconds">Time to rebuild the network and write the file.</param>
/// <param name="Network">The exported network's spec.</param>
/// <param name="Contract">Its input contract (dynamic spatial axes when it accepts other sizes).</param>
/// <param name="Nodes">Operator nodes in the graph.</param>
/// <param name="FixedSpatialShape">The model's spatial input size when its spatial axes are fixed; null when they are dynamic.</param>
public sealed record ModelExportResult(string Path, long Bytes, double Seconds, NetworkSpec Network, InputContract Contract, int Nodes,
    IReadOnlyList<long>? FixedSpatialShape);
