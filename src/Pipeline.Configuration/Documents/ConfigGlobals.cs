using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>Typed read access to the top-level (global) keys of a loaded config, after overrides and substitution.</summary>
/// <remarks>Known globals were type-checked while loading; a wrong type here means an unchecked key and throws <see cref="ConfigException"/>.</remarks>
public sealed class ConfigGlobals
{
    private readonly JsonObject _root;
    private readonly string _file;

    internal ConfigGlobals(JsonObject root, string file)
    {
        _root = root;
        _file = file;
    }

    /// <summary>True when the key is present at the top level.</summary>
    public bool Contains(string key) => _root.ContainsKey(key);

    /// <summary>A copy of the value; null when absent or JSON null.</summary>
    public JsonNode? Get(string key) => _root.TryGetPropertyValue(key, out var value) ? value?.DeepClone() : null;

    /// <summary>The integer value, or <paramref name="fallback"/> when absent.</summary>
    public long GetInteger(string key, long fallback)
        => Read(key, ValueShape.Integer, fallback, v => JsonNumbers.TryGetWhole(v, out var l) ? l : 0);

    /// <summary>The numeric value, or <paramref name="fallback"/> when absent.</summary>
    public double GetNumber(string key, double fallback) => Read(key, ValueShape.Number, fallback, v => JsonNumbers.TryGetDouble(v, out var d) ? d : 0);

    /// <summary>The boolean value, or <paramref name="fallback"/> when absent.</summary>
    public bool GetBoolean(string key, bool fallback) => Read(key, ValueShape.Boolean, fallback, v => v.GetValueKind() == JsonValueKind.True);

    /// <summary>The string value, or <paramref name="fallback"/> when absent.</summary>
    public string? GetString(string key, string? fallback) => Read(key, ValueShape.String, fallback, v => v.GetValue<string>());

    private T Read<T>(string key, ValueShape shape, T fallback, Func<JsonValue, T> convert)
    {
        if (!_root.TryGetPropertyValue(key, out var node)) return fallback;
        if (!shape.Matches(node))
            throw new ConfigException(_file, key, $"found {ValueShapes.DescribeFound(node)}; accepted: {shape.Describe()}");
        return convert((JsonValue)node!);
    }
}
