using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Metrics;

/// <summary>Small predictions, labels and batches whose metric values can be worked out by hand.</summary>
internal static class MetricInputs
{
    /// <summary>One-hot "probabilities" [B, C, N] whose argmax is each row of <paramref name="maps"/>.</summary>
    public static Tensor Probabilities(int channels, params long[][] maps) => OneHot(channels, maps);

    /// <summary>A class map [B, 1, N] from one row per sample.</summary>
    public static Tensor Labels(params long[][] maps) =>
        tensor(maps.SelectMany(m => m).ToArray(), [maps.Length, 1, maps[0].Length]);

    /// <summary>A one-hot label [B, C, N] from one class row per sample.</summary>
    public static Tensor OneHot(int channels, params long[][] maps)
    {
        var classes = tensor(maps.SelectMany(m => m).ToArray(), [maps.Length, maps[0].Length]);
        return nn.functional.one_hot(classes, channels).permute(0, 2, 1).to(ScalarType.Float32).contiguous();
    }

    /// <summary>The fields dictionary a metric receives.</summary>
    public static Dictionary<string, Tensor> Fields(Tensor model, Tensor label) => new() { ["model"] = model, ["label"] = label };

    /// <summary>Sample ids s0, s1, … for a batch of <paramref name="count"/>.</summary>
    public static string[] Ids(int count, int first = 0) => Enumerable.Range(first, count).Select(i => $"s{i}").ToArray();
}
