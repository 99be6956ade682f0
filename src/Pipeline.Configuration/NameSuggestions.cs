namespace Pipeline.Configuration;

/// <summary>"Did you mean …?" suggestions for misspelled names (classes, keys, variables, aliases).</summary>
public static class NameSuggestions
{
    /// <summary>The most suggestions ever returned.</summary>
    public const int MaxSuggestions = 3;

    /// <summary>
    /// Up to three candidates close to <paramref name="input"/>, best first; after a one-edit hit only equally close ones. Comparison is
    /// case-insensitive and uses the optimal-string-alignment (Damerau) distance, so a transposition counts as one edit;
    /// a candidate that contains the input (or is contained in it, 4+ letters) also qualifies.
    /// </summary>
    public static IReadOnlyList<string> Suggest(string input, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (string.IsNullOrEmpty(input)) return [];
        var needle = input.ToLowerInvariant();
        var scored = new List<(string Name, int Distance)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate) || !seen.Add(candidate)) continue;
            var hay = candidate.ToLowerInvariant();
            var distance = Distance(needle, hay);
            // A case-only difference (distance 0) is the most likely intent; an exact match is not a suggestion.
            if (string.Equals(candidate, input, StringComparison.Ordinal)) continue;
            // Substring hits catch "ScaleIntensity" → "ScaleIntensityRange", which edit distance alone rejects.
            var contains = needle.Length >= 4 && (hay.Contains(needle, StringComparison.Ordinal) || needle.Contains(hay, StringComparison.Ordinal)) && hay.Length >= 4;
            if (distance <= Threshold(needle.Length) || contains)
                scored.Add((candidate, distance));
        }
        if (scored.Count == 0) return [];
        // A near-exact hit makes the rest noise ("epoch" → epochs, not also num_training_epoch_per_valid);
        // when even the best needs several edits, the runner-up is about as likely.
        var best = scored.Min(s => s.Distance);
        var limit = best <= 1 ? best : best + 1;
        return scored
            .Where(s => s.Distance <= limit)
            .OrderBy(s => s.Distance)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .Take(MaxSuggestions)
            .Select(s => s.Name)
            .ToList();
    }

    /// <summary>"did you mean X?" / "did you mean X or Y?" / "did you mean X, Y or Z?"; null when nothing is close.</summary>
    public static string? DidYouMean(string input, IEnumerable<string> candidates)
    {
        var hits = Suggest(input, candidates);
        return hits.Count switch
        {
            0 => null,
            1 => $"did you mean {hits[0]}?",
            _ => $"did you mean {string.Join(", ", hits.Take(hits.Count - 1))} or {hits[^1]}?",
        };
    }

    /// <summary>Appends "; did you mean …?" to <paramref name="message"/> when there is a suggestion.</summary>
    public static string WithDidYouMean(string message, string input, IEnumerable<string> candidates)
        => DidYouMean(input, candidates) is { } hint ? $"{message}; {hint}" : message;

    // Short names tolerate fewer edits, otherwise "lr" would suggest every two-letter key.
    private static int Threshold(int length) => length switch
    {
        <= 2 => 1,
        <= 5 => 2,
        <= 10 => 3,
        _ => Math.Max(3, length / 3),
    };

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            var best = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = Math.Min(best, d[i - 2, j - 2] + 1);
            d[i, j] = best;
        }
        return d[a.Length, b.Length];
    }
}
