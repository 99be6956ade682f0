namespace Pipeline.Workflows.Evaluation;

/// <summary>What became of one input of an evaluation.</summary>
public enum ItemStatus
{
    /// <summary>Inferred (and measured when validating) in this run.</summary>
    Evaluated,
    /// <summary>Its outputs existed, so it was not inferred again; its values come from the earlier run's report.</summary>
    Skipped,
    /// <summary>It could not be evaluated; <see cref="ItemOutcome.Error"/> says why.</summary>
    Failed,
}

/// <summary>One input's result: its values per report column (metric names, and per-class Dice), or why it failed.</summary>
/// <param name="Index">Position in the data list (reports are ordered by it, so shards merge into a single run's order).</param>
/// <param name="Image">The image path(s) the user recognises the input by.</param>
/// <param name="Status">Evaluated, skipped or failed.</param>
/// <param name="Error">The failure, naming what is wrong; null otherwise.</param>
/// <param name="Values">Values by column; NaN where a metric is undefined for this input (e.g. an empty label).</param>
public sealed record ItemOutcome(int Index, string Image, ItemStatus Status, string? Error, IReadOnlyDictionary<string, double> Values);
