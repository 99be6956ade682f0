using Pipeline.Configuration;

namespace Pipeline.Workflows.Checks;

/// <summary>A component a workflow built, with the spec it was built from, so a check can report at the spec's JSON path.</summary>
/// <param name="Spec">The config's description of the component.</param>
/// <param name="Component">The constructed component.</param>
public sealed record BuiltStep(ComponentSpec Spec, object Component);
