using Pipeline.Components;

namespace Pipeline.Configuration.Registry;

/// <summary>All known components, looked up by (kind, name or alias) or by full type name.</summary>
/// <remarks>
/// Lookups are exact first. When nothing matches exactly, a unique case-insensitive match is returned with
/// <see cref="ComponentMatch.IgnoredCase"/> set, so the caller can accept it with a warning: Clara's names are
/// PascalCase with acronyms (<c>TFScanWindowInferer</c>) and a case slip should not cost a run. Names that differ only
/// in case within a kind make the case-insensitive lookup ambiguous; then nothing is returned.
/// </remarks>
public sealed class ComponentRegistry
{
    private readonly List<ComponentDescriptor> _all;
    private readonly Dictionary<(ComponentKind, string), ComponentDescriptor> _byName = new();
    private readonly Dictionary<string, ComponentDescriptor> _byFullName = new(StringComparer.Ordinal);

    /// <summary>Builds the registry.</summary>
    /// <exception cref="ConfigException">Two classes claim the same name within a kind, or the same full type name; every clash is listed with both classes.</exception>
    public ComponentRegistry(IEnumerable<ComponentDescriptor> descriptors)
    {
        // The same class scanned twice (e.g. an assembly passed twice) is one component, not a clash.
        _all = descriptors.DistinctBy(d => d.Type).ToList();
        var problems = new ConfigProblems();
        foreach (var d in _all)
        {
            foreach (var name in d.Names)
                if (!_byName.TryAdd((d.Kind, name), d))
                    problems.Error(d.Source.PluginFile ?? _byName[(d.Kind, name)].Source.PluginFile ?? "", "",
                        $"duplicate {d.Kind.ConfigName()} name '{name}': claimed by {Describe(_byName[(d.Kind, name)])} and by {Describe(d)}");
            if (!_byFullName.TryAdd(d.FullName, d))
                problems.Error(d.Source.PluginFile ?? "", "",
                    $"duplicate component type name '{d.FullName}': {Describe(_byFullName[d.FullName])} and {Describe(d)}; a path could not tell them apart");
        }
        problems.ThrowIfErrors();
    }

    /// <summary>Every component, in registration order.</summary>
    public IReadOnlyList<ComponentDescriptor> All => _all;

    /// <summary>The components of one kind.</summary>
    public IReadOnlyList<ComponentDescriptor> OfKind(ComponentKind kind) => _all.Where(d => d.Kind == kind).ToList();

    /// <summary>Every config name (primary names and aliases) of one kind.</summary>
    public IReadOnlyList<string> NamesOf(ComponentKind kind) => _all.Where(d => d.Kind == kind).SelectMany(d => d.Names).ToList();

    /// <summary>The component of <paramref name="kind"/> called <paramref name="name"/> (or with that alias), or null.</summary>
    public ComponentMatch? FindByName(ComponentKind kind, string name)
    {
        if (_byName.TryGetValue((kind, name), out var exact)) return new ComponentMatch(exact, name, false);
        var loose = _byName.Where(e => e.Key.Item1 == kind && string.Equals(e.Key.Item2, name, StringComparison.OrdinalIgnoreCase)).ToList();
        return loose.Count == 1 ? new ComponentMatch(loose[0].Value, loose[0].Key.Item2, true) : null;
    }

    /// <summary>Components of other kinds than <paramref name="kind"/> that are called <paramref name="name"/> (exactly or ignoring case).</summary>
    public IReadOnlyList<ComponentDescriptor> FindByNameInOtherKinds(ComponentKind kind, string name) =>
        _all.Where(d => d.Kind != kind && d.Names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>The component whose class has full name <paramref name="typeName"/> (<c>My.Namespace.MyTransform</c>), or null.</summary>
    /// <remarks>An assembly-qualified name (<c>My.Namespace.MyTransform, MyPlugin, Version=…</c>) also matches; its assembly simple name must then agree.</remarks>
    public ComponentMatch? FindByPath(string typeName)
    {
        var (fullName, assembly) = SplitAssemblyQualified(typeName);
        bool FromAssembly(ComponentDescriptor d) => assembly is null || string.Equals(d.Type.Assembly.GetName().Name, assembly, StringComparison.OrdinalIgnoreCase);

        if (_byFullName.TryGetValue(fullName, out var exact) && FromAssembly(exact)) return new ComponentMatch(exact, exact.FullName, false);
        var loose = _all.Where(d => string.Equals(d.FullName, fullName, StringComparison.OrdinalIgnoreCase) && FromAssembly(d)).ToList();
        return loose.Count == 1 ? new ComponentMatch(loose[0], loose[0].FullName, true) : null;
    }

    /// <summary>The descriptor of a registered class, or null.</summary>
    public ComponentDescriptor? FindByType(Type type) => _byFullName.TryGetValue(type.FullName ?? "", out var d) && d.Type == type ? d : null;

    private static (string FullName, string? Assembly) SplitAssemblyQualified(string typeName)
    {
        // Generic argument lists contain commas inside brackets; only a comma at depth 0 starts the assembly part.
        var depth = 0;
        for (var i = 0; i < typeName.Length; i++)
        {
            switch (typeName[i])
            {
                case '[': depth++; break;
                case ']': depth--; break;
                case ',' when depth == 0:
                    var rest = typeName[(i + 1)..];
                    var comma = rest.IndexOf(',');
                    return (typeName[..i].Trim(), (comma < 0 ? rest : rest[..comma]).Trim());
            }
        }
        return (typeName.Trim(), null);
    }

    private static string Describe(ComponentDescriptor d) =>
        d.Source.IsPlugin ? $"{d.FullName} (plugin {d.Source.PluginFile})" : $"{d.FullName} ({d.Type.Assembly.GetName().Name})";
}
