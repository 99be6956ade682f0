using Pipeline.Components;

namespace Pipeline.Transforms.Intensity;

/// <summary>Validation of the args the intensity and loading transforms share (non-negative amounts, random ranges, finite lists).</summary>
internal static class IntensityArgs
{
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
