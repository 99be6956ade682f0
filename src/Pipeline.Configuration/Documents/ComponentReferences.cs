using System.Text.Json.Nodes;
using Pipeline.Components;

namespace Pipeline.Configuration.Documents;

/// <summary>
/// Resolves <c>ref</c>s against the components defined before them (train before validate, document order within each).
/// </summary>
/// <remarks>
/// Keys are the alias when given, else the name, else the path (<see cref="ComponentSpec.ReferenceKey"/>). A ref yields a deep copy
/// of the referenced class and args; args written next to the <c>ref</c> are merged over the copied args key by key, and a
/// <c>disabled</c> next to the <c>ref</c> replaces the copied flag (otherwise a copy of a disabled component is disabled too).
/// A ref to an unaliased name that was defined more than once is an error rather than a guess: aliases make the intent explicit.
/// Refs are never themselves referable, so they do not register keys.
/// </remarks>
internal sealed class ComponentReferences
{
    private readonly Dictionary<string, List<ComponentSpec>> _byKey = new(StringComparer.Ordinal);
    private readonly HashSet<string> _broken = new(StringComparer.Ordinal);

    /// <summary>Notes a definition whose errors were reported; refs to it fail quietly instead of adding a misleading "not found".</summary>
    public void AddBroken(string? key)
    {
        if (!string.IsNullOrEmpty(key)) _broken.Add(key);
    }

    /// <summary>Registers a definition; a repeated alias is an error.</summary>
    public void Add(ComponentSpec spec, ConfigProblems problems)
    {
        var key = spec.ReferenceKey;
        if (key.Length == 0) return;
        if (!_byKey.TryGetValue(key, out var list)) _byKey[key] = list = [];
        if (spec.Alias is not null && list.FirstOrDefault(s => s.Alias == spec.Alias) is { } first)
            problems.Error(spec.File, JsonPaths.Property(spec.JsonPath, ConfigKeys.Name),
                $"alias \"{spec.Alias}\" is already used at {first.JsonPath}; aliases must be unique so refs are unambiguous");
        list.Add(spec);
    }

    /// <summary>The copy a ref stands for, or null after recording why it cannot be resolved.</summary>
    /// <param name="reference">The ref as read.</param>
    /// <param name="later">Definitions after the ref, to explain forward references.</param>
    /// <param name="file">The config file.</param>
    /// <param name="problems">Where problems go.</param>
    public ComponentSpec? Resolve(ParsedComponent reference, IEnumerable<ComponentSpec> later, string file, ConfigProblems problems)
    {
        var key = reference.RefKey!;
        var refPath = JsonPaths.Property(reference.JsonPath, ConfigKeys.Ref);
        if (!_byKey.TryGetValue(key, out var matches))
        {
            if (_broken.Contains(key)) return null;
            problems.Error(file, refPath, ExplainMissing(key, later));
            return null;
        }
        if (matches.Count > 1)
        {
            problems.Error(file, refPath,
                $"ref \"{key}\" is ambiguous: {key} is defined at {string.Join(" and ", matches.Select(m => m.JsonPath))}; " +
                $"give each an alias (\"{key}#first\") and refer to the alias");
            return null;
        }

        var target = matches[0];
        if (target.Kind != reference.Section.Kind)
        {
            problems.Error(file, refPath,
                $"ref \"{key}\" points to {WithArticle(target.Kind)} ({target.JsonPath}) but {reference.Section.JsonPath} needs {WithArticle(reference.Section.Kind)}");
            return null;
        }

        var args = (JsonObject)target.Args.DeepClone();
        if (reference.RefArgs is not null)
            foreach (var (arg, value) in reference.RefArgs)
                args[arg] = value?.DeepClone();

        return target with
        {
            Kind = reference.Section.Kind,
            Args = args,
            Disabled = reference.RefDisabled ?? target.Disabled,
            File = file,
            JsonPath = reference.JsonPath,
        };
    }

    private static string WithArticle(ComponentKind kind)
    {
        var name = kind.ConfigName();
        return "aeiou".Contains(name[0]) ? $"an {name}" : $"a {name}";
    }

    private string ExplainMissing(string key, IEnumerable<ComponentSpec> later)
    {
        if (later.FirstOrDefault(s => s.ReferenceKey == key) is { } forward)
            return $"ref \"{key}\" points to {forward.JsonPath}, which comes later; a ref can only copy a component defined before it (train is read before validate)";

        var aliased = _byKey.Values.SelectMany(l => l).Where(s => s.Alias is not null && (s.Name == key || s.Path == key)).ToList();
        if (aliased.Count > 0)
            return $"ref \"{key}\" matches no component key; {key} is defined only with aliases ({string.Join(", ", aliased.Select(s => s.Alias))}): refer to one of those";

        if (_byKey.Count == 0)
            return $"ref \"{key}\" cannot be resolved: no component is defined before it";
        return NameSuggestions.WithDidYouMean(
            $"ref \"{key}\" matches no earlier component (refs use the alias after # when there is one, else the class name)",
            key, _byKey.Keys);
    }
}
