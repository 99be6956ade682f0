using System.Text;
using Pipeline.Training;
using Pipeline.Training.Metrics;

namespace Pipeline.Workflows.Distributed;

/// <summary>
/// Reduces validation metrics computed by ranks on disjoint images to the values one process gets over all of them: every
/// rank's per-sample values are gathered, put back in the order one process visits the images (rank r's k-th image is
/// image k·ranks + r), and averaged in that order skipping NaN, exactly as the metrics themselves average.
/// </summary>
public static class DistributedMetrics
{
    /// <summary>Each metric's value over every rank's images, by name.</summary>
    /// <exception cref="InvalidOperationException">A metric's value is not the NaN-skipping mean of its per-sample values, so it cannot be reduced across ranks.</exception>
    public static Dictionary<string, double> Reduce(IReadOnlyList<IMetric> metrics, IRankGroup ranks, string what)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(ranks);
        var local = metrics.Select(m => (m.Name, Result: m.Aggregate())).ToList();
        if (ranks.Size == 1) return local.ToDictionary(m => m.Name, m => m.Result.Value);
        foreach (var (name, result) in local)
            if (result.PerSample.Count > 0 && !SameDouble(result.Value, PerSampleMean.Of(result.PerSample.Select(p => p.Value))))
                throw new InvalidOperationException($"metric '{name}' reports {result.Value}, not the mean of its per-sample values; it cannot be reduced across ranks (validate with one rank)");

        var gathered = ranks.AllGather(Encode(local.Select(m => m.Result.PerSample).ToList()), what).Select(Decode).ToList();
        var reduced = new Dictionary<string, double>();
        for (var m = 0; m < local.Count; m++)
        {
            var ordered = new List<(long Position, int Order, double Value)>();
            for (var r = 0; r < gathered.Count; r++)
            {
                var images = new Dictionary<string, int>(StringComparer.Ordinal);
                var order = 0;
                foreach (var (sample, value) in gathered[r][m])
                {
                    if (!images.TryGetValue(sample, out var k)) images[sample] = k = images.Count;
                    ordered.Add(((long)k * ranks.Size + r, order++, value));
                }
            }
            // The metrics' own sum-then-divide, in one process's order, so the value is bitwise one process's.
            reduced[local[m].Name] = PerSampleMean.Of(ordered.OrderBy(o => o.Position).ThenBy(o => o.Order).Select(o => o.Value));
        }
        return reduced;
    }

    private static bool SameDouble(double a, double b) => a.Equals(b) || (double.IsNaN(a) && double.IsNaN(b));

    private static byte[] Encode(List<IReadOnlyList<(string Sample, double Value)>> metrics)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(metrics.Count);
            foreach (var values in metrics)
            {
                writer.Write(values.Count);
                foreach (var (sample, value) in values)
                {
                    writer.Write(sample);
                    writer.Write(value);
                }
            }
        }
        return stream.ToArray();
    }

    private static List<List<(string Sample, double Value)>> Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var metrics = new List<List<(string, double)>>();
        for (int m = 0, count = reader.ReadInt32(); m < count; m++)
        {
            var values = new List<(string, double)>();
            for (int i = 0, n = reader.ReadInt32(); i < n; i++) values.Add((reader.ReadString(), reader.ReadDouble()));
            metrics.Add(values);
        }
        return metrics;
    }
}
