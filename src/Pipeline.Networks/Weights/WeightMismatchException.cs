namespace Pipeline.Networks.Weights;

/// <summary>Thrown when a weight set does not fit a module: lists every missing, unexpected and wrongly shaped key at once.</summary>
public sealed class WeightMismatchException : Exception
{
    /// <summary>Creates the exception from the three key lists (each may be empty).</summary>
    public WeightMismatchException(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
        : base(Describe(missing, unexpected, mismatched))
    {
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
    }

    /// <summary>Keys the module has but the weights lack.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Keys the weights have but the module lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Keys present on both sides with different shapes or dtypes, each followed by the two shapes.</summary>
    public IReadOnlyList<string> Mismatched { get; }

    private static string Describe(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"{missing.Count} missing key(s): {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected key(s): {List(unexpected)}");
        if (mismatched.Count > 0) parts.Add($"{mismatched.Count} mismatched key(s): {List(mismatched)}");
        return "the weights do not fit the module; " + string.Join("; ", parts);
    }

    // A wrong architecture mismatches hundreds of keys; the first few say what went wrong, the counts say how much.
    private static string List(IReadOnlyList<string> keys) =>
        keys.Count <= 12 ? string.Join(", ", keys) : string.Join(", ", keys.Take(12)) + $", … ({keys.Count - 12} more)";
}
