using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>Maps a PyTorch/MONAI state dict onto a network's parameter names and copies it in, strictly.</summary>
/// <remarks>
/// Our networks use MONAI's state-dict names, so mapping is about the wrappers around them: DataParallel's <c>module.</c>,
/// Lightning's <c>model.</c>, and a <c>state_dict.</c> level, stripped when that makes the names match. Floating-point
/// tensors of another precision (F16, BF16, F64 exports) are converted to the network's dtype and listed; PyTorch's
/// BatchNorm <c>num_batches_tracked</c> counters are ignored when the network has none. Every other difference — a missing
/// or unexpected name, a shape — is an error listing all of them.
/// </remarks>
public static class WeightImport
{
    private static readonly string[] WrapperPrefixes = ["module.", "model.", "state_dict.", "network.", "net."];

    /// <summary>Copies <paramref name="source"/> into <paramref name="model"/>; throws <see cref="WeightMismatchException"/> before changing anything when the names or shapes do not match.</summary>
    public static WeightImportReport Apply(nn.Module model, IReadOnlyDictionary<string, Tensor> source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var targets = model.state_dict();
        var prefix = BestPrefix(source.Keys, targets);

        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var converted = new List<string>();
        var ignored = new List<string>();
        var owned = new List<Tensor>();
        try
        {
            foreach (var (key, tensor) in source)
            {
                var name = key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : key;
                if (!targets.TryGetValue(name, out var target))
                {
                    if (name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                    {
                        ignored.Add(key);
                        continue;
                    }
                    mapped[key] = tensor;
                    continue;
                }
                var value = tensor;
                if (tensor.dtype != target.dtype && tensor.is_floating_point() && target.is_floating_point())
                {
                    value = tensor.to(target.dtype);
                    owned.Add(value);
                    converted.Add($"{key} ({tensor.dtype} → {target.dtype})");
                }
                mapped[name] = value;
            }
            StateDictLoader.Load(model, mapped);
        }
        finally
        {
            foreach (var tensor in owned) tensor.Dispose();
        }
        return new WeightImportReport(mapped.Count, prefix, converted, ignored);
    }

    // The wrapper prefix (possibly nested, e.g. "model.module.") under which most source names match the network's.
    private static string BestPrefix(IEnumerable<string> sourceKeys, IReadOnlyDictionary<string, Tensor> targets)
    {
        var keys = sourceKeys.ToList();
        var best = "";
        var bestHits = Hits(keys, "", targets);
        var frontier = new List<string> { "" };
        for (var depth = 0; depth < 3; depth++)
        {
            var next = new List<string>();
            foreach (var stem in frontier)
                foreach (var wrapper in WrapperPrefixes)
                {
                    var candidate = stem + wrapper;
                    if (!keys.Any(k => k.StartsWith(candidate, StringComparison.Ordinal))) continue;
                    next.Add(candidate);
                    var hits = Hits(keys, candidate, targets);
                    if (hits > bestHits) (best, bestHits) = (candidate, hits);
                }
            frontier = next;
        }
        return best;
    }

    private static int Hits(List<string> keys, string prefix, IReadOnlyDictionary<string, Tensor> targets) =>
        keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal) && targets.ContainsKey(k[prefix.Length..]));
}
