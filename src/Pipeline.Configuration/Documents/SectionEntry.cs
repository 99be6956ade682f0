using Pipeline.Components;

namespace Pipeline.Configuration.Documents;

/// <summary>One component section present in a config, with its specs in document order (disabled ones included and flagged).</summary>
/// <param name="Rule">Which section this is (key, kind, list or single).</param>
/// <param name="Specs">The usable specs; a component with errors is left out (its problems say why).</param>
public sealed record SectionEntry(SectionRule Rule, IReadOnlyList<ComponentSpec> Specs)
{
    /// <summary>The key inside its parent, e.g. <c>pre_transforms</c>.</summary>
    public string Key => Rule.Key;

    /// <summary>JSON path of the section, e.g. <c>validate.pre_transforms</c>.</summary>
    public string JsonPath => Rule.JsonPath;

    /// <summary>The component kind every spec has.</summary>
    public ComponentKind Kind => Rule.Kind;

    /// <summary>A list section (<c>pre_transforms</c>) rather than a single component (<c>model</c>).</summary>
    public bool IsList => Rule.IsList;

    /// <summary>The specs whose <c>disabled</c> is false.</summary>
    public IEnumerable<ComponentSpec> Enabled => Specs.Where(s => !s.Disabled);
}
