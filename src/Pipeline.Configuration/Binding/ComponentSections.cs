using Pipeline.Components;
using Pipeline.Configuration.Documents;

namespace Pipeline.Configuration.Binding;

/// <summary>Names the config sections that accept a component kind, for "it belongs in …" messages (from the one section table, <see cref="ConfigSections"/>).</summary>
internal static class ComponentSections
{
    /// <summary>E.g. "validate.metrics or val_metrics".</summary>
    public static string Describe(ComponentKind kind)
    {
        var paths = ConfigSections.All.Where(r => r.Kind == kind).Select(r => r.JsonPath).Distinct().ToList();
        return paths.Count switch
        {
            0 => "no config section (nothing accepts this kind yet)",
            1 => paths[0],
            _ => $"{string.Join(", ", paths.Take(paths.Count - 1))} or {paths[^1]}",
        };
    }
}
