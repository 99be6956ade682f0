using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>One command-line <c>--set KEY=VALUE</c> item, with its value already typed.</summary>
/// <param name="Index">Position among the <c>--set</c> items (zero-based), used in the path <c>--set[2]</c>.</param>
/// <param name="Key">The variable or top-level key.</param>
/// <param name="Value">true/false → bool, integers → long, other numbers → double, <c>[…]</c>/<c>{…}</c> → JSON, else string.</param>
/// <param name="Text">The item as typed.</param>
public sealed record SetOverride(int Index, string Key, JsonNode? Value, string Text)
{
    /// <summary>The path problems use for this item, e.g. <c>--set[2]</c>.</summary>
    public string JsonPath => $"--set[{Index}]";

    /// <summary>Parses every item; malformed ones become problems (file empty = command line) and are skipped.</summary>
    public static IReadOnlyList<SetOverride> ParseAll(IReadOnlyList<string> items, ConfigProblems problems)
    {
        var result = new List<SetOverride>();
        for (var i = 0; i < items.Count; i++)
        {
            var text = items[i] ?? "";
            var path = $"--set[{i}]";
            var eq = text.IndexOf('=');
            if (eq < 0)
            {
                problems.Error("", path, $"found \"{text}\"; accepted: KEY=VALUE, e.g. epochs=10 or DATASET_JSON=config/dataset_0.json");
                continue;
            }
            var key = text[..eq].Trim();
            if (!Substitution.IsIdentifier(key))
            {
                problems.Error("", path, $"found key \"{key}\" in \"{text}\"; accepted: a name of letters, digits and _ that does not start with a digit");
                continue;
            }
            var raw = text[(eq + 1)..];
            if (!TryParseValue(raw, out var value, out var error))
            {
                problems.Error("", path, $"value of {key} looks like JSON but is not valid JSON ({error}); quote it differently or write valid JSON, e.g. [1,2,3]");
                continue;
            }
            result.Add(new SetOverride(i, key, value, text));
        }
        return result;
    }

    /// <summary>Types a <c>--set</c> value: booleans (any case), integers, finite numbers, JSON lists/objects, else the text.</summary>
    public static bool TryParseValue(string raw, out JsonNode? value, out string? error)
    {
        error = null;
        var trimmed = raw.Trim();
        if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase)) { value = JsonValue.Create(true); return true; }
        if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase)) { value = JsonValue.Create(false); return true; }
        if (trimmed.Length > 0 && trimmed[0] != '+' &&
            long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            value = JsonNode.Parse(whole.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        // Float style without thousands separators; "NaN"/"Infinity" stay text because JSON cannot hold them.
        if (trimmed.Length > 0 && trimmed[0] != '+' && (char.IsDigit(trimmed[0]) || trimmed[0] is '-' or '.') &&
            double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            value = JsonNode.Parse(real.ToString("R", CultureInfo.InvariantCulture));
            return true;
        }
        if (trimmed.StartsWith('[') || trimmed.StartsWith('{'))
        {
            var problems = new ConfigProblems();
            var node = StrictJson.Parse(Encoding.UTF8.GetBytes(trimmed), "", "--set value", problems);
            if (problems.HasErrors)
            {
                value = null;
                error = problems.Items.First(p => !p.IsWarning).Message;
                return false;
            }
            value = node;
            return true;
        }
        value = JsonValue.Create(raw);
        return true;
    }
}
