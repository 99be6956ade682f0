using System.Globalization;
using Pipeline.IO;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Networks.Weights;
using Pipeline.Workflows;
using Pipeline.Inference;

using Pipeline.Runner.Console;

namespace Pipeline.Runner.NetworkWeights;

/// <summary>Builds the network a spec file names, copies a safetensors state dict into it and saves the result as a checkpoint.</summary>
public static class WeightImporter
{
    /// <summary>What was imported, for the command's summary.</summary>
    public sealed record Report(string Checkpoint, NetworkSpec Network, InputContract Contract, long Parameters, WeightImportReport Import)
    {
        /// <summary>Prints the summary lines.</summary>
        public void Print(TextWriter output)
        {
            output.WriteLine($"wrote {Checkpoint}: {Network.Name} {Network.Args.ToJsonString()}, {Import.Loaded} tensors, {Parameters:N0} parameters");
            output.WriteLine($"  input contract: {Contract.ToJson()}");
            if (Import.StrippedPrefix.Length > 0) output.WriteLine($"  stripped the wrapper prefix '{Import.StrippedPrefix}' from every name");
            foreach (var converted in Import.Converted) output.WriteLine($"  converted {converted}");
            if (Import.Ignored.Count > 0) output.WriteLine($"  ignored {Import.Ignored.Count} BatchNorm num_batches_tracked counter(s)");
        }
    }

    /// <summary>Runs the import; user mistakes surface as <see cref="ConfigException"/> (spec) or a one-line exception (weights).</summary>
    public static Report Run(string specPath, string weightsPath, string checkpointPath, string? inputShape)
    {
        var spec = NetworkSpecFile.Read(specPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: the weights file does not exist");

        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        using var model = services.GetRequiredService<NetworkFactory>().Create(spec, specPath, "");
        var network = (INetwork)model;
        if (inputShape is not null)
        {
            if (network is not IFixedShapeNetwork fixedShape)
                throw new ConfigException(specPath, "", $"--input-shape applies to fixed-shape networks; {spec.Name} accepts any legal shape");
            fixedShape.RecordInputShape(ParseShape(inputShape));
        }

        WeightImportReport import;
        using (var weights = SafetensorsReader.Read(weightsPath))
        {
            try
            {
                import = WeightImport.Apply(model, weights.Tensors);
            }
            catch (WeightMismatchException e)
            {
                throw new InvalidDataException($"{weightsPath}: these weights are not a {spec.Name} with args {spec.Args.ToJsonString()}: {e.Message}", e);
            }
        }
        using (var checkpoint = Checkpoint.Capture(model, spec))
            CheckpointFile.Write(new OutputFolder(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, "--to"), checkpointPath, checkpoint);
        var parameters = model.parameters().Sum(p => p.numel());
        return new Report(checkpointPath, spec, network.InputContract, parameters, import);
    }

    private static int[] ParseShape(string text) => PositiveSizes.TryParse(text, out var shape) ? shape
        : throw new ConfigException("(command line)", "--input-shape", $"'{text}' is not a spatial shape; give positive integers such as 96,96,96");
}
