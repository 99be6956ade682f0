using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>Checks the top-level keys of a substituted config: known globals must have the right type, unknown keys are warned about.</summary>
internal static class TopLevelKeys
{
    public static void Check(JsonObject root, ConfigKind kind, string file, ConfigProblems problems)
    {
        var known = KnownGlobals.For(kind).Select(g => g.Key)
            .Concat(ConfigSections.Parents(kind).Where(p => p.Length > 0))
            .Concat(ConfigSections.In(kind, "").Select(r => r.Key))
            .ToList();
        foreach (var (key, value) in root)
        {
            if (ConfigKeys.IsComment(key) || ConfigSections.IsTopLevelSection(kind, key)) continue;
            if (ConfigKeys.IsAutoMl(key))
            {
                problems.Warning(file, key, $"AutoML search is not supported; \"{key}\" is ignored");
                continue;
            }
            if (KnownGlobals.Find(kind, key) is { } rule)
            {
                if (!rule.Shape.Matches(value) && !Substitution.IsUnresolved(value))
                    problems.Error(file, key, $"found {ValueShapes.DescribeFound(value)}; accepted: {rule.Shape.Describe()} ({rule.Meaning})");
                continue;
            }
            problems.Warning(file, key, UnknownMessage(key, kind, known));
        }
    }

    private static string UnknownMessage(string key, ConfigKind kind, IReadOnlyList<string> known)
    {
        if (kind == ConfigKind.Validation && key is ConfigSections.Train or ConfigSections.Validate)
            return $"\"{key}\" belongs to a training config; this file is read as a validation config, so it is ignored";
        var message = $"unknown top-level key \"{key}\" is ignored, as Clara did";
        if (Clara4Keys.Hint(key) is { } hint) return $"{message}; {hint}";
        return NameSuggestions.WithDidYouMean(message, key, known);
    }
}
