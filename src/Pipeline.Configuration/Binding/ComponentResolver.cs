using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Binding;

/// <summary>Finds the component class a spec names (by <c>path</c>, else by <c>name</c>), explaining failures with suggestions.</summary>
/// <remarks>
/// A <c>name</c> containing dots is first tried as a full type name and then by its last segment, so Clara's
/// fully qualified names (<c>ai4med.components.transforms.ScaleIntensityRange</c>) still find the short name.
/// Case-insensitive matches are accepted with a warning (see <see cref="ComponentRegistry"/>).
/// </remarks>
public sealed class ComponentResolver(ComponentRegistry registry)
{
    /// <summary>The registry searched.</summary>
    public ComponentRegistry Registry => registry;

    /// <summary>The component of the spec, or null with an error recorded at <c>.path</c> or <c>.name</c>.</summary>
    public ComponentDescriptor? Resolve(ComponentSpec spec, ConfigProblems problems)
    {
        if (!string.IsNullOrWhiteSpace(spec.Path)) return ResolvePath(spec, problems);
        if (!string.IsNullOrWhiteSpace(spec.Name)) return ResolveName(spec, problems);
        problems.Error(spec.File, spec.JsonPath, $"a {spec.Kind.ConfigName()} needs a \"name\" (or a \"path\" naming a plugin class)");
        return null;
    }

    private ComponentDescriptor? ResolvePath(ComponentSpec spec, ConfigProblems problems)
    {
        var path = spec.Path!.Trim();
        var where = JsonPaths.Property(spec.JsonPath, "path");
        var match = registry.FindByPath(path);
        if (match is null)
        {
            var candidates = registry.OfKind(spec.Kind).Select(d => d.FullName);
            problems.Error(spec.File, where, NameSuggestions.WithDidYouMean(
                $"no {spec.Kind.ConfigName()} class '{path}' is known (a path names a [Component] class by its full name, from a built-in assembly or a plugin)",
                path, candidates));
            return null;
        }
        return Accept(spec, match, path, where, problems);
    }

    private ComponentDescriptor? ResolveName(ComponentSpec spec, ConfigProblems problems)
    {
        var name = spec.Name!.Trim();
        var where = JsonPaths.Property(spec.JsonPath, "name");
        var match = registry.FindByName(spec.Kind, name);
        if (match is null && name.Contains('.'))
            match = registry.FindByPath(name) ?? registry.FindByName(spec.Kind, name[(name.LastIndexOf('.') + 1)..]);
        if (match is not null) return Accept(spec, match, name, where, problems);

        var elsewhere = registry.FindByNameInOtherKinds(spec.Kind, name);
        if (elsewhere.Count > 0)
        {
            var other = elsewhere[0];
            problems.Error(spec.File, where,
                $"'{name}' is a {other.Kind.ConfigName()}, not a {spec.Kind.ConfigName()}; it belongs in {ComponentSections.Describe(other.Kind)}");
            return null;
        }

        var known = registry.NamesOf(spec.Kind);
        var message = $"unknown {spec.Kind.ConfigName()} '{name}'";
        var hint = NameSuggestions.DidYouMean(name, known);
        problems.Error(spec.File, where, hint is not null ? $"{message}; {hint}"
            : known.Count == 0 ? $"{message}; no {spec.Kind.ConfigName()} components are registered"
            : known.Count <= 20 ? $"{message}; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}"
            : $"{message}; none of the {known.Count} known {spec.Kind.ConfigName()} names is close");
        return null;
    }

    private static ComponentDescriptor? Accept(ComponentSpec spec, ComponentMatch match, string written, string where, ConfigProblems problems)
    {
        var d = match.Descriptor;
        if (d.Kind != spec.Kind)
        {
            problems.Error(spec.File, where,
                $"{d.FullName} is a {d.Kind.ConfigName()}, not a {spec.Kind.ConfigName()}; it belongs in {ComponentSections.Describe(d.Kind)}");
            return null;
        }
        if (match.IgnoredCase)
            problems.Warning(spec.File, where, $"'{written}' matches {match.MatchedName} only when case is ignored; write {match.MatchedName}");
        return d;
    }
}
