using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>The variables of a loaded MMAR (config globals &lt; environment.json &lt; --set, plus <c>MMAR_ROOT</c>), fully resolved.</summary>
/// <remarks>Every getter returns a private copy, so callers may mutate what they get.</remarks>
public sealed class VariableTable
{
    private readonly Dictionary<string, ConfigVariable> _variables;

    internal VariableTable(IEnumerable<ConfigVariable> variables)
        => _variables = variables.ToDictionary(v => v.Name, StringComparer.Ordinal);

    /// <summary>Variable names (case-sensitive, as in Clara).</summary>
    public IReadOnlyCollection<string> Names => _variables.Keys;

    /// <summary>Number of variables.</summary>
    public int Count => _variables.Count;

    /// <summary>True when <paramref name="name"/> is defined.</summary>
    public bool Contains(string name) => _variables.ContainsKey(name);

    /// <summary>A copy of the typed value; false when the variable is not defined.</summary>
    public bool TryGet(string name, out JsonNode? value)
    {
        if (_variables.TryGetValue(name, out var variable))
        {
            value = variable.Value?.DeepClone();
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>The value when it is a JSON string; null when undefined or not a string.</summary>
    public string? GetString(string name)
        => _variables.TryGetValue(name, out var v) && v.Value is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;

    /// <summary>The variable with its source; null when undefined.</summary>
    public ConfigVariable? Describe(string name)
        => _variables.TryGetValue(name, out var v) ? v with { Value = v.Value?.DeepClone() } : null;

    /// <summary>Every variable with its source, by name.</summary>
    public IEnumerable<ConfigVariable> All
        => _variables.Values.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => v with { Value = v.Value?.DeepClone() });
}
