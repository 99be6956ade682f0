using Pipeline.Components;

namespace Pipeline.Training.AuxOps;

/// <summary>Checks of the tag names an aux op is configured with.</summary>
internal static class AuxOpTags
{
    /// <summary>Rejects an empty list, a blank tag or a tag given twice.</summary>
    public static void Check(string arg, IReadOnlyList<string> tags)
    {
        if (tags.Count == 0) throw new ConfigArgException(arg, "must name at least one tag");
        if (tags.Any(string.IsNullOrWhiteSpace)) throw new ConfigArgException(arg, "must not contain an empty tag");
        var twice = tags.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ConfigArgException(arg, $"names '{twice.Key}' twice");
    }
}
