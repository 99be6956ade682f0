using Pipeline.Components;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Networks;
using static TorchSharp.torch;

namespace Pipeline.Workflows.ModelLoaders;

/// <summary>Clara's <c>CheckpointLoader</c>: loads <c>checkpoint_dir/checkpoint_file_prefix</c>, one of our checkpoints (as <c>mmar train</c> writes).</summary>
/// <remarks>
/// Clara's <c>input_node_names</c>/<c>output_node_names</c> named TensorFlow graph tensors; a checkpoint here carries its
/// network, so they have no meaning and only non-empty values are refused, to say so rather than ignore them.
/// </remarks>
[Component(ComponentKind.ModelLoader, "CheckpointLoader")]
public sealed class CheckpointLoader : IModelLoader
{
    private readonly NetworkFactory _networks;

    /// <summary>Validates the args.</summary>
    /// <param name="checkpointDir">Folder of the checkpoint (Clara: <c>{MMAR_CKPT_DIR}</c>); relative to the MMAR folder when relative.</param>
    /// <param name="checkpointFilePrefix">File name inside the folder.</param>
    /// <param name="inputNodeNames">TensorFlow-only; must be empty.</param>
    /// <param name="outputNodeNames">TensorFlow-only; must be empty.</param>
    /// <param name="inferInTrainingMode">Clara's switch to run BatchNorm/dropout as in training; only false is supported.</param>
    /// <param name="networks">Builds the checkpoint's network through the registry.</param>
    /// <param name="paths">The MMAR's folders, for relative paths.</param>
    public CheckpointLoader(string checkpointDir, NetworkFactory networks, MmarPaths? paths = null, string checkpointFilePrefix = "model.ckpt",
        string[]? inputNodeNames = null, string[]? outputNodeNames = null, bool inferInTrainingMode = false)
    {
        if (string.IsNullOrWhiteSpace(checkpointDir)) throw new ConfigArgException("checkpoint_dir", "must name the folder holding the checkpoint");
        if (string.IsNullOrWhiteSpace(checkpointFilePrefix) || checkpointFilePrefix.IndexOfAny(['/', '\\']) >= 0)
            throw new ConfigArgException("checkpoint_file_prefix", $"must be a file name inside checkpoint_dir; got '{checkpointFilePrefix}'");
        TensorFlowLoaderArgs.Reject(inputNodeNames, outputNodeNames, inferInTrainingMode);
        _networks = networks;
        var dir = paths?.Resolve(checkpointDir) ?? Path.GetFullPath(checkpointDir);
        CheckpointPath = Path.Combine(dir, checkpointFilePrefix);
    }

    /// <summary>The checkpoint file this loader reads.</summary>
    public string CheckpointPath { get; }

    /// <inheritdoc />
    public (string File, string Arg)? Source => (CheckpointPath, "checkpoint_dir");

    /// <inheritdoc />
    public (NetworkSpec Network, InputContract Contract)? Describe()
    {
        try
        {
            var (network, contract, _) = Pipeline.Networks.Checkpoints.CheckpointFile.ReadDescription(CheckpointPath);
            return (network, contract);
        }
        catch (Pipeline.Networks.Checkpoints.CheckpointFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Load() => CheckpointNetwork.Load(CheckpointPath, _networks);
}
