using Pipeline.Components;

namespace Pipeline.Workflows.ModelLoaders;

/// <summary>The TensorFlow-only args Clara's model loaders share, refused when set so that a config never relies on them silently.</summary>
internal static class TensorFlowLoaderArgs
{
    /// <summary>Throws a <see cref="ConfigArgException"/> for node names or training-mode inference.</summary>
    public static void Reject(string[]? inputNodeNames, string[]? outputNodeNames, bool inferInTrainingMode)
    {
        if (inputNodeNames is { Length: > 0 }) throw new ConfigArgException("input_node_names", "names TensorFlow graph tensors; checkpoints here carry their network, so leave it out");
        if (outputNodeNames is { Length: > 0 }) throw new ConfigArgException("output_node_names", "names TensorFlow graph tensors; checkpoints here carry their network, so leave it out");
        if (inferInTrainingMode) throw new ConfigArgException("infer_in_training_mode", "only false is supported: inference runs the network in eval mode");
    }
}
