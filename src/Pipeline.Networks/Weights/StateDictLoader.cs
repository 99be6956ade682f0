using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>Copies a named weight set (e.g. from safetensors) into a module's parameters and buffers, strictly by name.</summary>
public static class StateDictLoader
{
    /// <summary>Copies every entry of <paramref name="weights"/> into <paramref name="module"/>; throws <see cref="WeightMismatchException"/> listing all problems before changing anything.</summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(weights);
        var targets = module.state_dict();
        var missing = targets.Keys.Where(k => !weights.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = weights.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var mismatched = new List<string>();
        foreach (var (name, target) in targets.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!weights.TryGetValue(name, out var source)) continue;
            // A silent dtype cast would hide e.g. an F16 export loaded into an F32 model; the caller converts on purpose.
            if (!source.shape.SequenceEqual(target.shape) || source.dtype != target.dtype)
                mismatched.Add($"{name} (module {Describe(target)}, weights {Describe(source)})");
        }
        if (missing.Count > 0 || unexpected.Count > 0 || mismatched.Count > 0)
            throw new WeightMismatchException(missing, unexpected, mismatched);

        using var noGrad = torch.no_grad();
        foreach (var (name, target) in targets)
            target.copy_(weights[name]);
    }

    private static string Describe(Tensor t) => $"{t.dtype} [{string.Join(", ", t.shape)}]";
}
