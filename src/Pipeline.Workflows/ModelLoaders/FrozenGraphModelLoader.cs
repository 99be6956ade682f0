using Pipeline.Components;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Networks;
using static TorchSharp.torch;

namespace Pipeline.Workflows.ModelLoaders;

/// <summary>Clara's <c>FrozenGraphModelLoader</c>, kept so Clara configs bind: loads <c>model_file_path</c> when it is one of our checkpoints.</summary>
/// <remarks>A TensorFlow frozen graph (<c>.pb</c>) cannot run here; the loader says so, and what to use instead, before anything runs.</remarks>
[Component(ComponentKind.ModelLoader, "FrozenGraphModelLoader")]
public sealed class FrozenGraphModelLoader : IModelLoader
{
    private readonly NetworkFactory _networks;

    /// <summary>Validates the args.</summary>
    /// <param name="modelFilePath">The model file (Clara: <c>{MMAR_CKPT_DIR}/model.fzn.pb</c>); relative to the MMAR folder when relative.</param>
    /// <param name="networks">Builds the checkpoint's network through the registry.</param>
    /// <param name="paths">The MMAR's folders, for relative paths.</param>
    /// <param name="inputNodeNames">TensorFlow-only; must be empty.</param>
    /// <param name="outputNodeNames">TensorFlow-only; must be empty.</param>
    /// <param name="inferInTrainingMode">Only false is supported.</param>
    public FrozenGraphModelLoader(string modelFilePath, NetworkFactory networks, MmarPaths? paths = null,
        string[]? inputNodeNames = null, string[]? outputNodeNames = null, bool inferInTrainingMode = false)
    {
        if (string.IsNullOrWhiteSpace(modelFilePath)) throw new ConfigArgException("model_file_path", "must name the model file");
        if (modelFilePath.EndsWith(".pb", StringComparison.OrdinalIgnoreCase))
            throw new ConfigArgException("model_file_path",
                $"'{modelFilePath}' is a TensorFlow frozen graph, which cannot be loaded: this runtime has no TensorFlow. " +
                "Use CheckpointLoader with a checkpoint from 'mmar train', or export the weights to safetensors and convert them with " +
                "'mmar import-weights --model SPEC.json --from W.safetensors --to models/model.ckpt', then point model_file_path at that file");
        TensorFlowLoaderArgs.Reject(inputNodeNames, outputNodeNames, inferInTrainingMode);
        _networks = networks;
        ModelPath = paths?.Resolve(modelFilePath) ?? Path.GetFullPath(modelFilePath);
    }

    /// <summary>The checkpoint file this loader reads.</summary>
    public string ModelPath { get; }

    /// <inheritdoc />
    public (string File, string Arg)? Source => (ModelPath, "model_file_path");

    /// <inheritdoc />
    public (NetworkSpec Network, InputContract Contract)? Describe()
    {
        try
        {
            var (network, contract, _) = Pipeline.Networks.Checkpoints.CheckpointFile.ReadDescription(ModelPath);
            return (network, contract);
        }
        catch (Pipeline.Networks.Checkpoints.CheckpointFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Load() => CheckpointNetwork.Load(ModelPath, _networks);
}
