using System.Runtime.ExceptionServices;
using Pipeline.Native;
using Pipeline.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>Runs a training step's forward and backward passes on one or more replicas of the network and leaves the summed gradients on the float32 master weights.</summary>
/// <remarks>
/// <para>
/// With one float32 replica on the master's device the master itself computes. Otherwise every replica is a second instance
/// of the network on its own device and in the compute type (mixed precision keeps float32 master weights, as autocast-less
/// TorchSharp requires; data parallelism follows seed 002's multi-GPU scheme): before each step the master weights are
/// copied into every replica; the batch is split along its first axis, one chunk per replica, run concurrently; each
/// replica's loss is weighted by its share of the batch, so that the summed gradients equal the full batch's for losses that
/// average over samples; the gradients are summed in float32 on the master, the optimizer steps there alone, and replica 0's
/// buffers (e.g. batch-norm statistics) are copied back.
/// </para>
/// <para>Predictions are cast to float32 before the loss, so losses and aux ops always see float32.</para>
/// </remarks>
public sealed class TrainingReplicas : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _master;
    private readonly List<(nn.Module<Tensor, Tensor> Module, Device Device)> _replicas = [];
    private readonly ScalarType _computeType;
    private readonly Parameter[] _masterParameters;

    /// <summary>Prepares the replicas.</summary>
    /// <param name="master">The network being trained, float32.</param>
    /// <param name="createReplica">Builds another instance of the network; needed unless a single float32 replica on the master's device is asked for.</param>
    /// <param name="devices">One entry per replica; empty means one replica on the master's device.</param>
    /// <param name="computeType">Float32, BFloat16 or Float16.</param>
    public TrainingReplicas(nn.Module<Tensor, Tensor> master, Func<nn.Module<Tensor, Tensor>>? createReplica, IReadOnlyList<Device> devices, ScalarType computeType)
    {
        _master = master;
        _computeType = computeType;
        _masterParameters = [.. master.parameters()];
        var masterDevice = _masterParameters.Length > 0 ? _masterParameters[0].device : CPU;
        var targets = devices.Count == 0 ? [masterDevice] : devices;
        UsesMaster = targets.Count == 1 && computeType == ScalarType.Float32 && SameDevice(targets[0], masterDevice);
        if (UsesMaster) return;
        if (createReplica is null)
            throw new InvalidOperationException("mixed precision and data parallelism need a way to build network replicas");
        foreach (var device in targets)
        {
            var replica = createReplica();
            replica.to(device).to(computeType);
            replica.train();
            _replicas.Add((replica, device));
        }
    }

    /// <summary>True when the master network computes the step itself (no replicas).</summary>
    public bool UsesMaster { get; }

    /// <summary>Number of replicas a batch is split over.</summary>
    public int Count => UsesMaster ? 1 : _replicas.Count;

    /// <summary>Computes the gradients of <paramref name="loss"/> for one batch into the master's <c>grad</c> tensors (which it overwrites) and returns the batch loss and aux-op values.</summary>
    /// <param name="image">Input batch [B, C, spatial…] (float32, on the master's device).</param>
    /// <param name="label">Label batch [B, …].</param>
    /// <param name="loss">The training loss.</param>
    /// <param name="auxOps">Aux ops evaluated on each chunk (without gradient) and averaged by batch share.</param>
    /// <param name="lossScale">Factor applied to the loss before backward and divided out of the gradients (float16 loss scaling); 1 otherwise.</param>
    public StepOutcome ComputeGradients(Tensor image, Tensor label, ILoss loss, IReadOnlyList<IAuxOp> auxOps, double lossScale = 1)
    {
        if (UsesMaster)
        {
            foreach (var p in _masterParameters) p.grad?.zero_();
            var outcome = ForwardBackward(_master, image, label, loss, auxOps, 1.0, lossScale, null);
            if (lossScale != 1)
                using (no_grad())
                    foreach (var p in _masterParameters) p.grad?.DividedByInPlace(lossScale);
            return outcome;
        }

        Synchronise();
        var batch = image.shape[0];
        var used = (int)Math.Min(batch, _replicas.Count);
        var images = image.tensor_split(used, 0);
        var labels = label.tensor_split(used, 0);
        var outcomes = new StepOutcome[used];
        var failures = new Exception?[used];
        if (used == 1)
            outcomes[0] = ForwardBackward(_replicas[0].Module, images[0], labels[0], loss, auxOps, 1.0, lossScale, _replicas[0].Device);
        else
        {
            var threads = Enumerable.Range(0, used).Select(i => new Thread(() =>
            {
                try
                {
                    using var grad = enable_grad();
                    outcomes[i] = ForwardBackward(_replicas[i].Module, images[i], labels[i], loss, auxOps, (double)images[i].shape[0] / batch, lossScale, _replicas[i].Device);
                }
                catch (Exception e)
                {
                    failures[i] = e;
                }
            })).ToList();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            if (failures.FirstOrDefault(f => f is not null) is { } failure) ExceptionDispatchInfo.Capture(failure).Throw();
        }
        foreach (var t in images.Concat(labels)) t.Dispose();
        GatherGradients(used, lossScale);
        return Combine(outcomes);
    }

    private static StepOutcome ForwardBackward(nn.Module<Tensor, Tensor> network, Tensor image, Tensor label, ILoss loss, IReadOnlyList<IAuxOp> auxOps,
        double share, double lossScale, Device? device)
    {
        using var scope = NewDisposeScope();
        var input = device is null ? image : image.to(device);
        var parameterType = network.parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;
        if (input.dtype != parameterType) input = input.to(parameterType);
        var target = device is null ? label : label.to(device);
        var raw = network.call(input);
        var prediction = raw.dtype == ScalarType.Float32 ? raw : raw.to(ScalarType.Float32);
        var value = loss.Compute(prediction, target);
        var lossValue = value.item<float>();
        var finite = float.IsFinite(lossValue);
        var aux = new Dictionary<string, double>();
        if (finite)
        {
            var scaled = share * lossScale;
            (scaled == 1 ? value : value.Times(scaled)).backward();
            using (no_grad())
                foreach (var op in auxOps)
                    foreach (var (tag, tensor) in op.Compute(prediction.detach(), target, value.detach()))
                        aux[tag] = share * tensor.to(ScalarType.Float32).item<float>();
        }
        // Only a non-finite loss needs the diagnosis; checking every step would add two whole-batch reductions to each step.
        return new StepOutcome(share * lossValue, aux, finite || prediction.isfinite().all().item<bool>(), finite || input.isfinite().all().item<bool>());
    }

    private static StepOutcome Combine(StepOutcome[] outcomes)
    {
        var aux = new Dictionary<string, double>();
        foreach (var o in outcomes)
            foreach (var (tag, v) in o.AuxValues)
                aux[tag] = aux.GetValueOrDefault(tag) + v;
        return new StepOutcome(outcomes.Sum(o => o.Loss), aux, outcomes.All(o => o.PredictionFinite), outcomes.All(o => o.InputFinite));
    }

    private void Synchronise()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var master = _master.state_dict();
        foreach (var (module, _) in _replicas)
            foreach (var (name, tensor) in module.state_dict())
                tensor.copy_(master[name]);
    }

    private void GatherGradients(int used, double lossScale)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var replicaParameters = _replicas.Take(used).Select(r => r.Module.parameters().ToArray()).ToArray();
        for (var i = 0; i < _masterParameters.Length; i++)
        {
            var master = _masterParameters[i];
            Tensor? sum = null;
            foreach (var parameters in replicaParameters)
            {
                var g = parameters[i].grad;
                if (g is null) continue;
                var g32 = g.to(master.device).to(ScalarType.Float32);
                sum = sum is null ? g32.clone() : sum.PlusInPlace(g32);
            }
            if (sum is null) continue;
            if (lossScale != 1) sum.DividedByInPlace(lossScale);
            if (master.grad is null) master.grad = sum.MoveToOuterDisposeScope();
            else master.grad.copy_(sum);
        }
        foreach (var parameters in replicaParameters)
            foreach (var p in parameters)
                p.grad?.zero_();
        // Replica 0's buffers (batch-norm running statistics) become the master's, as DistributedDataParallel broadcasts rank 0's.
        var masterBuffers = _master.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, buffer) in _replicas[0].Module.named_buffers())
            if (masterBuffers.TryGetValue(name, out var target))
                target.copy_(buffer);
    }

    private static bool SameDevice(Device a, Device b) => a.type == b.type && (a.type == DeviceType.CPU || a.index == b.index);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (module, _) in _replicas) module.Dispose();
        _replicas.Clear();
    }
}

/// <summary>What one training step produced.</summary>
/// <param name="Loss">The batch loss (unscaled).</param>
/// <param name="AuxValues">Aux-op values by tag.</param>
/// <param name="PredictionFinite">Whether the network output was finite everywhere (checked only when the loss is not finite; true otherwise).</param>
/// <param name="InputFinite">Whether the input batch was finite everywhere (checked only when the loss is not finite; true otherwise).</param>
public sealed record StepOutcome(double Loss, IReadOnlyDictionary<string, double> AuxValues, bool PredictionFinite, bool InputFinite);
