namespace Pipeline.Configuration.Documents;

/// <summary>Builds the dotted JSON paths used in problems, e.g. <c>train.pre_transforms[4].args.size</c>.</summary>
public static class JsonPaths
{
    /// <summary>The path of property <paramref name="key"/> inside the object at <paramref name="parent"/>.</summary>
    /// <remarks>Keys that would make the dotted form ambiguous (dots, brackets, spaces, empty) are written as <c>["key"]</c>.</remarks>
    public static string Property(string parent, string key)
    {
        if (!IsPlainKey(key)) return $"{parent}[\"{key.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"]";
        return string.IsNullOrEmpty(parent) ? key : $"{parent}.{key}";
    }

    /// <summary>The path of element <paramref name="index"/> (zero-based) of the array at <paramref name="parent"/>.</summary>
    public static string Index(string parent, int index) => $"{parent}[{index}]";

    private static bool IsPlainKey(string key)
    {
        if (key.Length == 0) return false;
        foreach (var c in key)
            if (c is '.' or '[' or ']' or '"' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c))
                return false;
        return true;
    }
}
