using System.Text;

namespace Pipeline.Configuration.Registry;

/// <summary>The config spelling of C# identifiers: <c>targetResolution</c> → <c>target_resolution</c>, <c>NearestNeighbor</c> → <c>nearest_neighbor</c>.</summary>
public static class SnakeCase
{
    /// <summary>Converts a camelCase or PascalCase identifier to snake_case; acronyms stay together (<c>roiHWSize</c> → <c>roi_hw_size</c>).</summary>
    public static string From(string identifier)
    {
        var sb = new StringBuilder(identifier.Length + 4);
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && identifier[i - 1] != '_')
                {
                    var previous = identifier[i - 1];
                    var startsWord = char.IsLower(previous) || char.IsDigit(previous);
                    // The last capital of an acronym followed by lower case starts a new word: "HWSize" → "hw_size".
                    var endsAcronym = char.IsUpper(previous) && i + 1 < identifier.Length && char.IsLower(identifier[i + 1]);
                    if (startsWord || endsAcronym) sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
