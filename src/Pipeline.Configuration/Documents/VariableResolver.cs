using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>Resolves variables (which may themselves contain tokens) and substitutes <c>{NAME}</c> tokens in JSON trees.</summary>
internal sealed class VariableResolver
{
    /// <summary>Adjusts a resolved value (e.g. makes a path absolute); may record problems at the variable's source.</summary>
    public delegate JsonNode? Finisher(ConfigVariable resolved, ConfigProblems problems);

    private readonly Dictionary<string, ConfigVariable> _raw = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode?> _resolved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly List<string> _resolving = [];
    private readonly ConfigProblems _problems;
    private readonly Finisher? _finish;
    private int _failedLookups;

    // A global such as "learning_rate": "{LR}" is resolved as a variable and again in the tree, at the same file and path.
    private readonly HashSet<(string File, string Path, string Name)> _reportedUnknown = [];

    public VariableResolver(ConfigProblems problems, Finisher? finish = null)
    {
        _problems = problems;
        _finish = finish;
    }

    /// <summary>Defines or overrides a variable; the value is copied.</summary>
    public void Define(string name, JsonNode? value, VariableSource source, string file, string jsonPath)
        => _raw[name] = new ConfigVariable(name, value?.DeepClone(), source, file, jsonPath);

    /// <summary>Every unresolved definition, to scan for token uses.</summary>
    public IEnumerable<ConfigVariable> Definitions => _raw.Values;

    /// <summary>Resolves every variable and returns those that resolved.</summary>
    public VariableTable ResolveAll()
    {
        var result = new List<ConfigVariable>();
        foreach (var variable in _raw.Values.ToList())
            if (TryResolve(variable.Name, out var value))
                result.Add(variable with { Value = value });
        return new VariableTable(result);
    }

    /// <summary>Replaces tokens everywhere below <paramref name="node"/>; returns the node to store in its place.</summary>
    /// <remarks>Keys starting with <c>_</c> are comments and AutoML <c>search</c>/<c>apply</c> blocks are ignored, so neither is substituted.</remarks>
    public JsonNode? Substitute(JsonNode? node, string file, string path, bool insideArgs = false)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (ConfigKeys.IsComment(key) || (!insideArgs && ConfigKeys.IsAutoMl(key))) continue;
                    var child = obj[key];
                    var replaced = Substitute(child, file, JsonPaths.Property(path, key), insideArgs || key == ConfigKeys.Args);
                    if (!ReferenceEquals(child, replaced)) obj[key] = replaced;
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    var replaced = Substitute(child, file, JsonPaths.Index(path, i), insideArgs);
                    if (!ReferenceEquals(child, replaced)) array[i] = replaced;
                }
                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return SubstituteString(value.GetValue<string>(), value, file, path);
            default:
                return node;
        }
    }

    private JsonNode? SubstituteString(string text, JsonNode original, string file, string path)
    {
        if (Substitution.WholeToken(text) is { } whole)
            // A whole-string token keeps the variable's JSON type, so "{epochs}" can feed an integer arg.
            return Lookup(whole, file, path, out var typed) ? typed?.DeepClone() : original;

        StringBuilder? builder = null;
        var last = 0;
        foreach (var (index, length, name) in Substitution.Tokens(text))
        {
            builder ??= new StringBuilder();
            builder.Append(text, last, index - last);
            last = index + length;
            if (!Lookup(name, file, path, out var value))
            {
                builder.Append(text, index, length);
                continue;
            }
            if (value is null)
            {
                _problems.Error(file, path, $"variable {name} is null and cannot be embedded in the text \"{text}\"");
                builder.Append(text, index, length);
                continue;
            }
            builder.Append(Render(value));
        }
        if (builder is null) return original;
        builder.Append(text, last, text.Length - last);
        return JsonValue.Create(builder.ToString());
    }

    // Numbers, booleans and lists embed as their JSON text ("3", "true", "[1,2]").
    private static string Render(JsonNode value)
        => value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();

    private bool Lookup(string name, string file, string path, out JsonNode? value)
    {
        if (!_raw.ContainsKey(name))
        {
            var message = $"unknown variable {{{name}}}; variables come from environment.json, --set and top-level config keys";
            if (_reportedUnknown.Add((file, path, name)))
                _problems.Error(file, path, NameSuggestions.WithDidYouMean(message, name, _raw.Keys));
            _failedLookups++;
            value = null;
            return false;
        }
        if (TryResolve(name, out value)) return true;
        _failedLookups++;
        return false;
    }

    private bool TryResolve(string name, out JsonNode? value)
    {
        value = null;
        if (_resolved.TryGetValue(name, out value)) return true;
        if (_failed.Contains(name)) return false;
        var raw = _raw[name];
        var cycleStart = _resolving.IndexOf(name);
        if (cycleStart >= 0)
        {
            var cycle = string.Join(" → ", _resolving.Skip(cycleStart).Append(name));
            var first = _raw[_resolving[cycleStart]];
            _problems.Error(first.File, first.JsonPath, $"variable {first.Name} refers to itself: {cycle}");
            foreach (var member in _resolving.Skip(cycleStart)) _failed.Add(member);
            return false;
        }

        _resolving.Add(name);
        var errorsBefore = _problems.ErrorCount;
        var failedBefore = _failedLookups;
        var resolved = Substitute(raw.Value?.DeepClone(), raw.File, raw.JsonPath);
        _resolving.RemoveAt(_resolving.Count - 1);
        if (_failed.Contains(name) || _failedLookups > failedBefore || _problems.ErrorCount > errorsBefore)
        {
            _failed.Add(name);
            return false;
        }
        if (_finish is not null)
        {
            resolved = _finish(raw with { Value = resolved }, _problems);
            if (_problems.ErrorCount > errorsBefore)
            {
                _failed.Add(name);
                return false;
            }
        }
        _resolved[name] = resolved;
        value = resolved;
        return true;
    }
}
