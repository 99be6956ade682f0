using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Networks.Weights;
using Pipeline.IO;
using static TorchSharp.torch;

namespace Pipeline.Networks.Checkpoints;

/// <summary>Reads and writes checkpoints as one safetensors file: tensors under <c>model/</c> and <c>training/</c>, the rest as JSON metadata.</summary>
/// <remarks>
/// One self-describing file keeps a checkpoint atomic (temp file + rename) and readable by any safetensors reader:
/// PyTorch users get the weights with <c>safetensors.torch.load_file</c> and strip the <c>model/</c> prefix.
/// </remarks>
public static class CheckpointFile
{
    /// <summary>Value of the <c>format</c> metadata key.</summary>
    public const string FormatName = "mmar-checkpoint";

    /// <summary>The format version written; readers refuse newer ones.</summary>
    public const int FormatVersion = 1;

    private const string ModelPrefix = "model/";
    private const string TrainingPrefix = "training/";

    /// <summary>Atomically writes <paramref name="checkpoint"/> to <paramref name="path"/>; an interrupted write leaves any previous file intact.</summary>
    public static void Write(string path, Checkpoint checkpoint) =>
        Write(new OutputFolder(Path.GetDirectoryName(Path.GetFullPath(path))!, "the output path"), path, checkpoint);

    /// <summary>Atomically writes <paramref name="checkpoint"/> to <paramref name="path"/> inside <paramref name="folder"/>.</summary>
    /// <exception cref="OutputPathException">The path lies outside the folder or leads out of it through a link.</exception>
    public static void Write(OutputFolder folder, string path, Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in checkpoint.Weights) tensors[ModelPrefix + name] = tensor;
        foreach (var (name, tensor) in checkpoint.TrainingTensors) tensors[TrainingPrefix + name] = tensor;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["network"] = checkpoint.Network.ToJson(),
            ["input_contract"] = checkpoint.Contract.ToJson(),
        };
        if (checkpoint.TrainingState is { } state) metadata["training_state"] = state.ToJsonString();
        SafetensorsWriter.Write(folder, path, tensors, metadata);
    }

    /// <summary>Reads a checkpoint written by <see cref="Write(OutputFolder, string, Checkpoint)"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file is missing, not safetensors, or not one of our checkpoints.</exception>
    public static Checkpoint Read(string path)
    {
        SafetensorsFile file;
        try
        {
            file = SafetensorsReader.Read(path);
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            throw new CheckpointFormatException(path, e is SafetensorsFormatException f ? f.Problem : e.Message, e);
        }
        try
        {
            var (network, contract, state) = ParseMetadata(path, file.Metadata);
            var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var training = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, tensor) in file.Tensors)
            {
                if (name.StartsWith(ModelPrefix, StringComparison.Ordinal)) weights[name[ModelPrefix.Length..]] = tensor;
                else if (name.StartsWith(TrainingPrefix, StringComparison.Ordinal)) training[name[TrainingPrefix.Length..]] = tensor;
                else throw new CheckpointFormatException(path, $"tensor '{name}' is neither under '{ModelPrefix}' nor under '{TrainingPrefix}'");
            }
            return new Checkpoint(network, contract, weights, state, training);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads only the spec, contract and training state, without loading any tensor (for config checks).</summary>
    public static (NetworkSpec Network, InputContract Contract, JsonObject? TrainingState) ReadDescription(string path)
    {
        IReadOnlyDictionary<string, string> metadata;
        try
        {
            metadata = SafetensorsReader.ReadMetadata(path);
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            throw new CheckpointFormatException(path, e is SafetensorsFormatException f ? f.Problem : e.Message, e);
        }
        return ParseMetadata(path, metadata);
    }

    private static (NetworkSpec, InputContract, JsonObject?) ParseMetadata(string path, IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("format", out var format) || format != FormatName)
            throw new CheckpointFormatException(path,
                "it is a safetensors file without checkpoint metadata (plain weights?); import weights with 'mmar import-weights --model SPEC.json --from FILE --to CKPT'");
        if (!metadata.TryGetValue("format_version", out var versionText) || !int.TryParse(versionText, out var version) || version < 1)
            throw new CheckpointFormatException(path, $"format_version '{versionText}' is not a positive integer");
        if (version > FormatVersion)
            throw new CheckpointFormatException(path, $"format_version {version} is newer than this build reads ({FormatVersion}); use a newer mmar");
        try
        {
            var network = NetworkSpec.FromJson(Require(path, metadata, "network"), path);
            var contract = InputContract.FromJson(Require(path, metadata, "input_contract"));
            JsonObject? state = null;
            if (metadata.TryGetValue("training_state", out var stateJson))
                state = JsonNode.Parse(stateJson) as JsonObject ?? throw new CheckpointFormatException(path, "training_state is not a JSON object");
            return (network, contract, state);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new CheckpointFormatException(path, e.Message, e);
        }
    }

    private static string Require(string path, IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) ? value : throw new CheckpointFormatException(path, $"the metadata has no '{key}'");
}
