using System.Diagnostics;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.IO;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Networks.Weights;
using Pipeline.Onnx;
using Pipeline.Workflows.ModelLoaders;
using Pipeline.Workflows.Training;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Export;

/// <summary>Exports a trained network as an ONNX model: rebuilds it through the registry, writes the graph from the modules, checks the file by loading it in ONNX Runtime.</summary>
public static class ModelExport
{
    /// <summary>
    /// Exports an MMAR's checkpoint (default <c>MMAR_CKPT_DIR/model.ckpt</c>) to <paramref name="output"/> inside
    /// <c>MMAR_CKPT_DIR</c>, recording the spacing and orientation <c>validate.pre_transforms</c> bring images to.
    /// </summary>
    /// <exception cref="Networks.Export.ExportNotSupportedException">A module of the network has no ONNX form, or the input size of a fixed-shape network is unknown.</exception>
    public static ModelExportResult FromMmar(MmarConfig config, IServiceProvider services, string? checkpoint, string output, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(services);
        var folder = RunOutput.For(config);
        var source = checkpoint ?? Path.Combine(folder.Root, "model.ckpt");
        // Only the validation chain is read: the rest of the config (its data lists among it) may be absent where a model is deployed.
        ImageGeometry geometry;
        using (var workflow = TrainingWorkflow.Build(config, services, new ConfigProblems()))
            geometry = ImageGeometry.Of(workflow.ValidationChain);
        var networks = (NetworkFactory)services.GetService(typeof(NetworkFactory))!;
        var (spec, contract, _) = CheckpointFile.ReadDescription(source);
        var watch = Stopwatch.StartNew();
        using var network = CheckpointNetwork.Load(source, networks);
        return Write(network, spec, contract, folder, output, options, geometry, watch);
    }

    /// <summary>
    /// Exports the network <paramref name="specPath"/> names with the weights of <paramref name="weightsPath"/>: one of our
    /// checkpoints, or a PyTorch/MONAI state dict in safetensors (mapped as <c>mmar import-weights</c> maps it). Written
    /// to <paramref name="output"/>, inside its own folder; no spacing or orientation is known to record.
    /// </summary>
    public static ModelExportResult FromWeights(string specPath, string weightsPath, string output, OnnxExportOptions options, NetworkFactory networks)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(networks);
        var spec = NetworkSpecFile.Read(specPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: the weights file does not exist", weightsPath);
        var path = Path.GetFullPath(output);
        var folder = new OutputFolder(Path.GetDirectoryName(path)!, "--output");
        var watch = Stopwatch.StartNew();
        using var network = Build();
        return Write(network, spec, ((INetwork)network).InputContract, folder, path, options, geometry: null, watch);

        nn.Module<Tensor, Tensor> Build()
        {
            var model = networks.Create(spec, specPath, "");
            try
            {
                if (string.Equals(Path.GetExtension(weightsPath), ".safetensors", StringComparison.OrdinalIgnoreCase))
                {
                    using var weights = SafetensorsReader.Read(weightsPath);
                    WeightImport.Apply(model, weights.Tensors);
                }
                else
                {
                    using var checkpoint = CheckpointFile.Read(weightsPath);
                    checkpoint.LoadInto(model);
                }
            }
            catch (WeightMismatchException e)
            {
                model.Dispose();
                throw new InvalidDataException($"{weightsPath}: these weights are not a {spec.Name} with args {spec.Args.ToJsonString()}: {e.Message}", e);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            model.eval();
            return model;
        }
    }

    private static ModelExportResult Write(nn.Module<Tensor, Tensor> network, NetworkSpec spec, InputContract contract, OutputFolder folder, string output,
        OnnxExportOptions options, ImageGeometry? geometry, Stopwatch watch)
    {
        var path = folder.Resolve(output);
        var model = OnnxExporter.Export(network, spec, contract, options, geometry);
        OnnxExporter.Write(model, folder, path);
        var seconds = watch.Elapsed.TotalSeconds;
        // ONNX Runtime's own loader is the first consumer: a model it refuses is not a model.
        using (OnnxSessions.Open(path, [ExecutionProvider.Cpu])) { }
        // Spatial axes are fixed where the contract fixes them or where the network's graph depends on the size (SwinUNETR).
        var spatial = model.Graph.Input[0].Type.TensorType.Shape.Dim.Skip(2).ToArray();
        IReadOnlyList<long>? fixedShape = spatial.All(d => d.DimParam.Length == 0) ? [.. spatial.Select(d => d.DimValue)] : null;
        return new ModelExportResult(path, new FileInfo(path).Length, seconds, spec, contract, model.Graph.Node.Count, fixedShape, geometry);
    }
}

/// <summary>What <see cref="ModelExport"/> wrote.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Seconds">Time to rebuild the network and write the file.</param>
/// <param name="Network">The exported network's spec.</param>
/// <param name="Contract">Its input contract (dynamic spatial axes when it accepts other sizes).</param>
/// <param name="Nodes">Operator nodes in the graph.</param>
/// <param name="FixedSpatialShape">The model's spatial input size when its spatial axes are fixed; null when they are dynamic.</param>
/// <param name="Geometry">The spacing and orientation recorded in the metadata; null when none was known.</param>
public sealed record ModelExportResult(string Path, long Bytes, double Seconds, NetworkSpec Network, InputContract Contract, int Nodes,
    IReadOnlyList<long>? FixedSpatialShape, ImageGeometry? Geometry);
