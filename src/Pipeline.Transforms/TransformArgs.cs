using Pipeline.Components;

namespace Pipeline.Transforms;

/// <summary>Validation of the args every transform area shares: field names (<c>fields</c>, <c>field</c>, <c>label_names</c>, …) and probabilities.</summary>
internal static class TransformArgs
{
    /// <summary>Throws unless <paramref name="names"/> is a non-empty list of distinct, non-blank names; returns a copy.</summary>
    public static string[] Fields(IReadOnlyList<string>? names, string arg = "fields", string what = "field")
    {
        if (names is null || names.Count == 0) throw new ConfigArgException(arg, $"name at least one {what}");
        for (var i = 0; i < names.Count; i++)
            if (string.IsNullOrWhiteSpace(names[i])) throw new ConfigArgException($"{arg}[{i}]", $"a {what} name must not be empty");
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ConfigArgException(arg, $"'{duplicate.Key}' is named twice; each {what} may appear once");
        return [.. names];
    }

    /// <summary>Throws unless <paramref name="probability"/> lies in [0, 1].</summary>
    public static double Probability(double probability, string arg = "probability") =>
        probability is >= 0 and <= 1 ? probability : throw new ConfigArgException(arg, $"{arg} must lie in [0, 1], got {probability}");

    /// <summary>Throws unless <paramref name="name"/> is a non-blank field name.</summary>
    public static string Field(string? name, string arg)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ConfigArgException(arg, "name a field");
        return name;
    }
}
