using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>Runs a network in another floating dtype for a while and then restores its original weights bit for bit.</summary>
/// <remarks>
/// TorchSharp cannot copy a module, so the module itself is cast; a snapshot of its state is kept and copied back on
/// dispose (a bf16 → fp32 round trip alone would lose the low mantissa bits). TorchSharp's cast replaces (and disposes)
/// the parameter tensors, which would break an optimizer holding them, so only a network without trainable parameters
/// (frozen for inference) is cast; a trainable one must already have the requested dtype. The cast tensors are detached
/// from any dispose scope the caller has open, since they belong to the module, not to the caller's scope.
/// </remarks>
internal sealed class NetworkDtypeScope : IDisposable
{
    private readonly nn.Module _network;
    private readonly ScalarType _original;
    private readonly Dictionary<string, Tensor>? _snapshot;

    public NetworkDtypeScope(nn.Module network, ScalarType dtype)
    {
        _network = network;
        InferencePrecision.CheckDevice(dtype, network.parameters().FirstOrDefault()?.device ?? CPU);
        _original = NetworkDtype(network) ?? dtype;
        if (_original == dtype) return;
        if (network.parameters().Any(p => p.requires_grad))
            throw new InvalidOperationException(
                $"precision {InferencePrecision.Name(dtype)} runs the network in {dtype}, but the network is {_original} with trainable parameters; " +
                "casting it would replace the parameter tensors an optimizer holds. Freeze it for inference (requires_grad false), " +
                $"cast it to {dtype} first, or use precision {InferencePrecision.Name(_original)}");
        _snapshot = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        network.to(dtype);
        DetachState(network);
    }

    /// <summary>The dtype of the network's first floating parameter or buffer; null when it has none.</summary>
    public static ScalarType? NetworkDtype(nn.Module network) =>
        network.state_dict().Values.FirstOrDefault(t => t.is_floating_point())?.dtype;

    public void Dispose()
    {
        if (_snapshot is null) return;
        _network.to(_original);
        DetachState(_network);
        using (no_grad())
            foreach (var (name, tensor) in _network.state_dict())
                if (_snapshot.TryGetValue(name, out var saved)) tensor.copy_(saved);
        foreach (var saved in _snapshot.Values) saved.Dispose();
    }

    private static void DetachState(nn.Module network)
    {
        foreach (var p in network.parameters()) p.DetachFromDisposeScope();
        foreach (var b in network.buffers()) b.DetachFromDisposeScope();
    }
}
