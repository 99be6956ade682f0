using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Configuration.Documents;

/// <summary>The <c>{NAME}</c> token syntax shared by configs, environment files and <c>--set</c> values.</summary>
/// <remarks>
/// Only <c>{IDENT}</c> with IDENT = <c>[A-Za-z_][A-Za-z0-9_]*</c> is a token, so JSON-looking text such as
/// <c>{"a": 1}</c> or <c>{ x }</c> passes through untouched. There is no escape syntax: Clara had none either.
/// </remarks>
public static partial class Substitution
{
    /// <summary>True for a name a token can use.</summary>
    public static bool IsIdentifier(string? name) => name is { Length: > 0 } && IdentifierRegex().IsMatch(name);

    /// <summary>The variable name when <paramref name="text"/> is exactly one token (<c>"{epochs}"</c>), else null.</summary>
    public static string? WholeToken(string text)
    {
        var match = WholeTokenRegex().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// True when <paramref name="node"/> is a string still holding a token after substitution, which happens only when the
    /// token could not be resolved and was already reported; shape checks skip such values to avoid a second error.
    /// </summary>
    public static bool IsUnresolved(JsonNode? node)
        => node is JsonValue value && value.GetValueKind() == JsonValueKind.String &&
           TokenRegex().IsMatch(value.GetValue<string>());

    /// <summary>Every token in <paramref name="text"/>: its position, length and variable name.</summary>
    public static IEnumerable<(int Index, int Length, string Name)> Tokens(string text)
    {
        foreach (Match match in TokenRegex().Matches(text))
            yield return (match.Index, match.Length, match.Groups[1].Value);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();

    [GeneratedRegex(@"^\{([A-Za-z_][A-Za-z0-9_]*)\}$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeTokenRegex();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex TokenRegex();
}
