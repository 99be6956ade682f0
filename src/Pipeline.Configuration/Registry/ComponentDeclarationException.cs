namespace Pipeline.Configuration.Registry;

/// <summary>A class marked [Component] cannot be bound from a config (no usable constructor, clashing arg names, …); a programming error in the component, found at startup.</summary>
public sealed class ComponentDeclarationException(Type type, string message)
    : Exception($"component {type.FullName}: {message}")
{
    /// <summary>The offending class.</summary>
    public Type ComponentType { get; } = type;
}
