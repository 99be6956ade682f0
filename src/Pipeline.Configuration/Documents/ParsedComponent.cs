using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>A component object as read, before <c>ref</c>s are resolved: a definition, a reference, or broken (errors already reported).</summary>
/// <param name="Section">The section it appears in.</param>
/// <param name="JsonPath">Path of the component object.</param>
/// <param name="Definition">The spec, for a <c>name</c>/<c>path</c> component.</param>
/// <param name="RefKey">The <c>ref</c> text, for a reference.</param>
/// <param name="RefArgs">Args written next to <c>ref</c>; merged over the referenced args.</param>
/// <param name="RefDisabled"><c>disabled</c> written next to <c>ref</c>; overrides the referenced value.</param>
/// <param name="BrokenKey">For a definition with errors: the key it would have had, so refs to it are not reported a second time.</param>
internal sealed record ParsedComponent(
    SectionRule Section,
    string JsonPath,
    ComponentSpec? Definition,
    string? RefKey = null,
    JsonObject? RefArgs = null,
    bool? RefDisabled = null,
    string? BrokenKey = null)
{
    /// <summary>True for a component whose errors were already reported.</summary>
    public bool IsBroken => Definition is null && RefKey is null;
}
