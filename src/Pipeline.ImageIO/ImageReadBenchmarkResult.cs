namespace Pipeline.ImageIO;

/// <summary>Timings of repeated full reads of one image.</summary>
/// <param name="File">The file or folder that was read.</param>
/// <param name="Description">What one read returned, e.g. "[1×512×512×300] Int16".</param>
/// <param name="Seconds">Wall-clock seconds of each read, in the order they ran.</param>
public sealed record ImageReadBenchmarkResult(string File, string Description, IReadOnlyList<double> Seconds)
{
    /// <summary>The fastest read.</summary>
    public double MinSeconds => Seconds.Min();

    /// <summary>The median read (mean of the middle two for an even count).</summary>
    public double MedianSeconds
    {
        get
        {
            var sorted = Seconds.Order().ToArray();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{File}: {Description}, {Seconds.Count} reads, min {MinSeconds:0.000} s, median {MedianSeconds:0.000} s");
}
