using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>Reads numbers from JSON values whether they were parsed from text or created from a CLR number.</summary>
internal static class JsonNumbers
{
    // JsonValue.Create(3L) will not hand out a double and JsonValue.Create(2.0) will not hand out a long, so try each.
    public static bool TryGetDouble(JsonValue value, out double result)
    {
        if (value.TryGetValue(out result)) return true;
        if (value.TryGetValue<long>(out var l)) { result = l; return true; }
        if (value.TryGetValue<int>(out var i)) { result = i; return true; }
        if (value.TryGetValue<float>(out var f)) { result = f; return true; }
        if (value.TryGetValue<decimal>(out var m)) { result = (double)m; return true; }
        return false;
    }

    /// <summary>The value as a whole number, also from a whole-valued double such as <c>5.0</c>.</summary>
    public static bool TryGetWhole(JsonValue value, out long result)
    {
        if (value.TryGetValue(out result)) return true;
        if (value.TryGetValue<int>(out var i)) { result = i; return true; }
        if (TryGetDouble(value, out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18)
        {
            result = (long)d;
            return true;
        }
        return false;
    }
}
