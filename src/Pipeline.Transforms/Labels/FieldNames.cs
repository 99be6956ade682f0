using Pipeline.Components;

namespace Pipeline.Transforms.Labels;

/// <summary>Validation of field-name args shared by the label and utility transforms.</summary>
internal static class FieldNames
{
    /// <summary>Throws unless <paramref name="names"/> is a non-empty list of distinct, non-blank names.</summary>
    public static string[] RequireList(IReadOnlyList<string>? names, string arg, string what = "field")
    {
        if (names is null || names.Count == 0) throw new ConfigArgException(arg, $"name at least one {what}");
        for (var i = 0; i < names.Count; i++)
            if (string.IsNullOrWhiteSpace(names[i])) throw new ConfigArgException($"{arg}[{i}]", $"a {what} name must not be empty");
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ConfigArgException(arg, $"'{duplicate.Key}' is named twice; each {what} may appear once");
        return [.. names];
    }

    /// <summary>Throws unless <paramref name="name"/> is a non-blank field name.</summary>
    public static string Require(string? name, string arg)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ConfigArgException(arg, "name a field");
        return name;
    }
}
