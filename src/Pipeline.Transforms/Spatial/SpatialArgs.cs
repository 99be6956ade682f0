using Pipeline.Components;

namespace Pipeline.Transforms.Spatial;

/// <summary>Validation and per-axis broadcasting of the config args the spatial transforms share.</summary>
internal static class SpatialArgs
{
    /// <summary>A per-axis list of 1 to 3 values each satisfying <paramref name="valid"/> (described by <paramref name="what"/>).</summary>
    public static double[] PerAxis(double[] values, string arg, Func<double, bool> valid, string what)
    {
        if (values.Length is 0 or > 3) throw new ConfigArgException(arg, $"give one value for all axes or one per spatial axis (2 or 3), got {values.Length}");
        for (var i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]) || !valid(values[i]))
                throw new ConfigArgException($"{arg}[{i}]", $"{values[i]} is not {what}");
        return values;
    }

    /// <summary>A per-axis list of 1 to 3 integers each satisfying <paramref name="valid"/>.</summary>
    public static long[] PerAxis(long[] values, string arg, Func<long, bool> valid, string what)
    {
        if (values.Length is 0 or > 3) throw new ConfigArgException(arg, $"give one value for all axes or one per spatial axis (2 or 3), got {values.Length}");
        for (var i = 0; i < values.Length; i++)
            if (!valid(values[i])) throw new ConfigArgException($"{arg}[{i}]", $"{values[i]} is not {what}");
        return values;
    }

    /// <summary>The values for an image of <paramref name="rank"/> spatial axes, as MONAI does: a shorter list is padded with its last value, extra entries are ignored.</summary>
    public static T[] ForRank<T>(T[] values, int rank) =>
        Enumerable.Range(0, rank).Select(i => values[Math.Min(i, values.Length - 1)]).ToArray();

    /// <summary>An angle range in degrees: one value d means [−d, d], two values are [low, high].</summary>
    public static (double Low, double High) AngleRange(double[] values, string arg)
    {
        if (values.Length is 0 or > 2) throw new ConfigArgException(arg, $"give one angle d (for the range [-d, d]) or two angles [low, high] in degrees, got {values.Length} values");
        if (values.Any(v => !double.IsFinite(v) || Math.Abs(v) > 360)) throw new ConfigArgException(arg, "angles are degrees between -360 and 360");
        var range = values.Length == 1 ? (-Math.Abs(values[0]), Math.Abs(values[0])) : (values[0], values[1]);
        if (range.Item1 > range.Item2) throw new ConfigArgException(arg, $"the low angle ({range.Item1}) must not exceed the high angle ({range.Item2})");
        return range;
    }
}
