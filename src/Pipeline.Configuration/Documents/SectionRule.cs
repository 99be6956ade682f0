using Pipeline.Components;

namespace Pipeline.Configuration.Documents;

/// <summary>One component section a config kind accepts, e.g. <c>train.pre_transforms</c> → a list of transforms.</summary>
/// <param name="Config">The config kind it belongs to.</param>
/// <param name="Parent">The enclosing object (<c>train</c>, <c>validate</c>), or empty for a top-level section.</param>
/// <param name="Key">The key inside the parent.</param>
/// <param name="Kind">The component kind every entry must resolve to.</param>
/// <param name="IsList">A list of components rather than one.</param>
/// <param name="Required">Running the workflow needs it; see <see cref="MmarConfig.MissingRequiredSections"/>.</param>
/// <param name="Meaning">Short description used in messages.</param>
public sealed record SectionRule(ConfigKind Config, string Parent, string Key, ComponentKind Kind, bool IsList, bool Required, string Meaning)
{
    /// <summary>The section's JSON path, e.g. <c>train.pre_transforms</c> or <c>inferer</c>.</summary>
    public string JsonPath => JsonPaths.Property(Parent, Key);
}
