using System.Text.Json.Nodes;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Checkpoints;

/// <summary>A trained network at one moment: its spec, weights and input contract, plus optimizer and training state when saved by a trainer.</summary>
/// <remarks>Owns its tensors (CPU copies); dispose it when done.</remarks>
public sealed class Checkpoint : IDisposable
{
    /// <summary>Creates a checkpoint that takes ownership of <paramref name="weights"/> and <paramref name="trainingTensors"/>.</summary>
    public Checkpoint(NetworkSpec network, InputContract contract, IReadOnlyDictionary<string, Tensor> weights,
        JsonObject? trainingState = null, IReadOnlyDictionary<string, Tensor>? trainingTensors = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(weights);
        Network = network;
        Contract = contract;
        Weights = weights;
        TrainingState = trainingState;
        TrainingTensors = trainingTensors ?? new Dictionary<string, Tensor>();
    }

    /// <summary>Config name and args of the network.</summary>
    public NetworkSpec Network { get; }

    /// <summary>What the network accepts, including the fixed shape of a fixed-shape network.</summary>
    public InputContract Contract { get; }

    /// <summary>The network's state dict (parameters and buffers) by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Weights { get; }

    /// <summary>Epoch, step, best metric, LR-policy state and the like; null for a weights-only checkpoint.</summary>
    public JsonObject? TrainingState { get; }

    /// <summary>Optimizer moments, RNG states and other tensors a resumed run needs, by name.</summary>
    public IReadOnlyDictionary<string, Tensor> TrainingTensors { get; }

    /// <summary>Snapshots <paramref name="model"/>'s state dict (copied to CPU) with its spec and contract.</summary>
    public static Checkpoint Capture(nn.Module model, NetworkSpec network, JsonObject? trainingState = null,
        IReadOnlyDictionary<string, Tensor>? trainingTensors = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var contract = (model as INetwork ?? throw new ArgumentException($"{model.GetName()} does not declare an input contract", nameof(model))).InputContract;
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (torch.no_grad())
            foreach (var (name, tensor) in model.state_dict())
                weights[name] = tensor.detach().cpu().clone();
        return new Checkpoint(network, contract, weights, trainingState, trainingTensors);
    }

    /// <summary>Copies the weights into <paramref name="model"/>, which must have been built from <see cref="Network"/>.</summary>
    /// <exception cref="WeightMismatchException">The model's parameters differ from the checkpoint's; lists every mismatching name.</exception>
    public void LoadInto(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        StateDictLoader.Load(model, Weights);
        if (Contract.FixedShape is { } shape && model is IFixedShapeNetwork fixedShape)
            fixedShape.RecordInputShape(shape);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in Weights.Values) tensor.Dispose();
        foreach (var tensor in TrainingTensors.Values) tensor.Dispose();
    }
}
