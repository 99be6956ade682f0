using System.Text.Json.Nodes;
using Pipeline.Networks.Checkpoints;
using Pipeline.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>Saves and restores everything beyond the weights that a resumed run needs: optimizer moments, the learning-rate policy's state, torch's RNG state and the loop's position.</summary>
/// <remarks>
/// The optimizer state is TorchSharp's own serialisation kept as a byte tensor (<c>training/optimizer</c>), the RNG state as
/// <c>training/torch_rng</c>; the position and the policy's state are JSON in the checkpoint's <c>training_state</c>. The
/// image pipeline needs nothing: its order and random draws depend only on the seed and the epoch.
/// </remarks>
public static class ResumableState
{
    private const string OptimizerTensor = "optimizer";
    private const string RngTensor = "torch_rng";

    /// <summary>The <c>training_state</c> JSON and training tensors for a checkpoint.</summary>
    public static (JsonObject State, Dictionary<string, Tensor> Tensors) Capture(TrainingProgress progress, optim.Optimizer optimizer, ILrPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(optimizer);
        var state = progress.ToJson();
        if (policy is IStatefulLrPolicy stateful) state["lr_policy"] = stateful.SaveState();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            ((OptimizerHelper)optimizer).save_state_dict(writer);
        var tensors = new Dictionary<string, Tensor>
        {
            [OptimizerTensor] = tensor(stream.ToArray(), ScalarType.Byte),
            [RngTensor] = random.get_rng_state(),
        };
        return (state, tensors);
    }

    /// <summary>Restores the optimizer, policy and RNG from <paramref name="checkpoint"/> and returns the loop's position.</summary>
    /// <exception cref="CheckpointFormatException">The checkpoint was not written by a training run, or does not fit this optimizer.</exception>
    public static TrainingProgress Restore(Checkpoint checkpoint, string path, optim.Optimizer optimizer, ILrPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.TrainingState is not { } state || !checkpoint.TrainingTensors.TryGetValue(OptimizerTensor, out var optimizerBytes))
            throw new CheckpointFormatException(path, "it holds no training state (optimizer, position) to resume from; it is a model-only checkpoint");
        try
        {
            var progress = TrainingProgress.FromJson(state);
            using (var stream = new MemoryStream(optimizerBytes.data<byte>().ToArray()))
            using (var reader = new BinaryReader(stream))
                ((OptimizerHelper)optimizer).load_state_dict(reader);
            if (policy is IStatefulLrPolicy stateful && state["lr_policy"] is JsonObject policyState) stateful.LoadState(policyState);
            if (checkpoint.TrainingTensors.TryGetValue(RngTensor, out var rng)) random.set_rng_state(rng);
            return progress;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or EndOfStreamException or InvalidCastException)
        {
            throw new CheckpointFormatException(path, $"the saved training state does not fit this run's optimizer or learning-rate policy ({e.Message}); was the config changed since the run started?", e);
        }
    }
}
