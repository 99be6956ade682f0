using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Binding;

/// <summary>A spec whose class is found and whose args all convert: ready to construct.</summary>
/// <param name="Spec">The spec bound.</param>
/// <param name="Descriptor">The component class.</param>
/// <param name="Arguments">Constructor arguments in parameter order (config values, defaults and services).</param>
public sealed record BoundComponent(ComponentSpec Spec, ComponentDescriptor Descriptor, IReadOnlyList<object?> Arguments);
