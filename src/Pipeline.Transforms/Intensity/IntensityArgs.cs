using Pipeline.Components;

namespace Pipeline.Transforms.Intensity;

/// <summary>Validation of the args the intensity and loading transforms share (fields, probability, random ranges).</summary>
internal static class IntensityArgs
{
    /// <summary>Throws unless <paramref name="fields"/> is a non-empty list of distinct, non-blank field names.</summary>
    public static string[] Fields(IReadOnlyList<string>? fields, string arg = "fields")
    {
        if (fields is null || fields.Count == 0) throw new ConfigArgException(arg, "name at least one field");
        for (var i = 0; i < fields.Count; i++)
            if (string.IsNullOrWhiteSpace(fields[i])) throw new ConfigArgException($"{arg}[{i}]", "a field name must not be empty");
        var duplicate = fields.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ConfigArgException(arg, $"'{duplicate.Key}' is named twice; name each field once");
        return [.. fields];
    }

    /// <summary>Throws unless <paramref name="probability"/> lies in [0, 1].</summary>
    public static double Probability(double probability, string arg = "probability") =>
        probability is >= 0 and <= 1 ? probability : throw new ConfigArgException(arg, $"{arg} must lie in [0, 1], got {probability}");

    /// <summary>Throws unless <paramref name="value"/> is a finite number that is not negative.</summary>
    public static double NonNegative(double value, string arg) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ConfigArgException(arg, $"{arg} must be a finite number ≥ 0, got {value}");

    /// <summary>
    /// Reads a MONAI-style random range: absent → <paramref name="fallback"/>; one number x → (−x, x) (x ≥ 0);
    /// two numbers → (min, max).
    /// </summary>
    public static UniformRange SymmetricOrPair(double[]? values, string arg, UniformRange fallback)
    {
        if (values is null) return fallback;
        RequireFinite(values, arg);
        return values.Length switch
        {
            1 when values[0] >= 0 => new UniformRange(-values[0], values[0]),
            1 => throw new ConfigArgException(arg, $"a single {arg} x means the range (−x, x) and must be ≥ 0, got {values[0]}"),
            2 => new UniformRange(Math.Min(values[0], values[1]), Math.Max(values[0], values[1])),
            _ => throw new ConfigArgException(arg, $"give {arg} as one number x for (−x, x) or as two numbers [low, high], got {values.Length} numbers"),
        };
    }

    /// <summary>Throws unless every value is finite.</summary>
    public static void RequireFinite(double[] values, string arg)
    {
        for (var i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw new ConfigArgException($"{arg}[{i}]", $"must be a finite number, got {values[i]}");
    }
}
