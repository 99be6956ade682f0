using System.Buffers.Binary;
using System.IO.Hashing;
using Pipeline.Native;
using Pipeline.Workflows.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Distributed;

/// <summary>
/// What keeps data-parallel ranks in step, as Horovod does: rank 0's weights to every rank at the start, gradients averaged
/// over the ranks before every optimizer step (fused into buckets of up to 64 MB, all in flight together), rank 0's buffers
/// (batch-norm statistics) after every step, and a check at the end of every epoch that all ranks hold the same weights.
/// </summary>
public sealed class DataParallelSync(IRankGroup ranks)
{
    private const long BucketBytes = 64L << 20;

    /// <summary>The ranks.</summary>
    public IRankGroup Ranks { get; } = ranks;

    /// <summary>Gives every rank rank 0's parameters and buffers.</summary>
    public void BroadcastState(nn.Module<Tensor, Tensor> network, string what) =>
        Broadcast(network.parameters().Select(p => (Tensor)p).Concat(network.buffers()), what);

    /// <summary>Replaces every parameter's gradient by the sum over the ranks of gradient × weight, each rank's weight being its share of the global batch.</summary>
    public void AverageGradients(IReadOnlyList<Parameter> parameters, double weight, string what)
    {
        if (Ranks.Size == 1) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var grads = parameters.Select(p => p.grad ?? (p.grad = zeros_like(p).MoveToOuterDisposeScope())).ToList();
        foreach (var bucket in Buckets(grads))
        {
            if (bucket[0].dtype != ScalarType.Float32)
                throw new InvalidOperationException($"data-parallel training averages float32 gradients (float32 master weights); found {bucket[0].dtype}");
            var flat = Flatten(bucket);
            if (weight != 1) flat.TimesInPlace(weight);
            unsafe
            {
                fixed (byte* p = flat.bytes) Ranks.AllReduceSum((nint)p, flat.numel(), what);
            }
            Scatter(flat, bucket);
        }
    }

    /// <summary>The step's loss and aux values as the whole global batch's: each rank's weighted by its share and summed; a tag a rank lacks counts as NaN.</summary>
    public StepOutcome Combine(StepOutcome local, double weight, IReadOnlyList<string> tags, string what)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (Ranks.Size == 1) return local;
        var values = new double[3 + tags.Count];
        values[0] = local.Loss * weight;
        values[1] = local.PredictionFinite ? 0 : 1;
        values[2] = local.InputFinite ? 0 : 1;
        for (var t = 0; t < tags.Count; t++) values[3 + t] = local.AuxValues.TryGetValue(tags[t], out var v) ? v * weight : double.NaN;
        Ranks.AllReduceSum(values, what);
        var aux = new Dictionary<string, double>();
        for (var t = 0; t < tags.Count; t++)
            if (local.AuxValues.ContainsKey(tags[t]) || !double.IsNaN(values[3 + t])) aux[tags[t]] = values[3 + t];
        return new StepOutcome(values[0], aux, values[1] == 0, values[2] == 0);
    }

    /// <summary>Whether any rank says yes (e.g. "my gradients are not finite").</summary>
    public bool Any(bool mine, string what)
    {
        if (Ranks.Size == 1) return mine;
        var values = new[] { mine ? 1.0 : 0.0 };
        Ranks.AllReduceSum(values, what);
        return values[0] > 0;
    }

    /// <summary>Gives every rank rank 0's buffers (batch-norm running statistics), which each rank updated from its own samples.</summary>
    public void BroadcastBuffers(nn.Module<Tensor, Tensor> network, string what) => Broadcast(network.buffers().Where(b => b.is_floating_point()), what);

    // Every rank's tensors become rank 0's, bucket by bucket.
    private void Broadcast(IEnumerable<Tensor> tensors, string what)
    {
        if (Ranks.Size == 1) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var bucket in Buckets(tensors))
        {
            var flat = Flatten(bucket);
            unsafe
            {
                fixed (byte* p = flat.bytes) Ranks.Broadcast((nint)p, flat.bytes.Length, what);
            }
            Scatter(flat, bucket);
        }
    }

    /// <summary>Checks that every rank holds the same parameters and buffers (bit for bit, by a 64-bit hash of each rank's).</summary>
    /// <exception cref="InvalidOperationException">The ranks' weights differ; the message names them.</exception>
    public void CheckIdentical(nn.Module<Tensor, Tensor> network, string what)
    {
        if (Ranks.Size == 1) return;
        var hash = new XxHash64();
        using (var scope = NewDisposeScope())
            foreach (var tensor in network.parameters().Select(p => (Tensor)p).Concat(network.buffers()))
                hash.Append(tensor.contiguous().to(CPU).bytes);
        var all = Ranks.AllGather(hash.GetCurrentHash(), what);
        var differing = Enumerable.Range(1, all.Length - 1).Where(r => !all[r].AsSpan().SequenceEqual(all[0])).ToList();
        if (differing.Count > 0)
            throw new InvalidOperationException($"after {what} the weights of rank(s) {string.Join(", ", differing)} differ from rank 0's; the ranks no longer train one model");
    }

    // Tensors grouped by dtype into buckets of at most BucketBytes (a bigger tensor is a bucket of its own).
    private static IEnumerable<List<Tensor>> Buckets(IEnumerable<Tensor> tensors)
    {
        foreach (var group in tensors.GroupBy(t => t.dtype))
            foreach (var bucket in Buckets(group))
                yield return bucket;
    }

    private static IEnumerable<List<Tensor>> Buckets(IGrouping<ScalarType, Tensor> tensors)
    {
        var bucket = new List<Tensor>();
        long bytes = 0;
        foreach (var t in tensors)
        {
            var size = t.numel() * t.element_size();
            if (bucket.Count > 0 && bytes + size > BucketBytes)
            {
                yield return bucket;
                bucket = [];
                bytes = 0;
            }
            bucket.Add(t);
            bytes += size;
        }
        if (bucket.Count > 0) yield return bucket;
    }

    // One contiguous CPU tensor holding the bucket's values (a bucket has one dtype).
    private static Tensor Flatten(List<Tensor> bucket) => cat([.. bucket.Select(t => t.detach().reshape(-1).to(CPU))]).contiguous();

    private static void Scatter(Tensor flat, List<Tensor> bucket)
    {
        long offset = 0;
        foreach (var t in bucket)
        {
            var n = t.numel();
            t.copy_(flat.narrow(0, offset, n).reshape(t.shape));
            offset += n;
        }
    }
}
