using System.Globalization;

namespace Pipeline.Runner.Console;

/// <summary>Reads the command-line sizes written as positive integers separated by commas (--input-shape 96,96,96, --size 224,224,160, --roi 96).</summary>
public static class PositiveSizes
{
    /// <summary>The sizes in <paramref name="text"/>, or false when a part is not a plain positive integer.</summary>
    public static bool TryParse(string text, out int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                return false;
        return true;
    }
}
