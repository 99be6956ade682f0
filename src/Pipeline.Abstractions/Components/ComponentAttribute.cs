namespace Pipeline.Components;

/// <summary>Declares a class as a config component of one kind with one or more config names (the first is the primary name, the rest are aliases).</summary>
/// <remarks>The public constructor with the most parameters is the one a config binds: each parameter is an arg, named in snake_case.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ComponentAttribute : Attribute
{
    /// <summary>Declares the component.</summary>
    public ComponentAttribute(ComponentKind kind, string name, params string[] aliases)
    {
        Kind = kind;
        Names = [name, .. aliases];
    }

    /// <summary>The section kind that accepts this component.</summary>
    public ComponentKind Kind { get; }

    /// <summary>Config names: primary first, then aliases.</summary>
    public IReadOnlyList<string> Names { get; }
}

/// <summary>Overrides the config name of a constructor parameter, or adds accepted alternative spellings (e.g. <c>use_group_normG</c>).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ArgAttribute : Attribute
{
    /// <summary>Names the arg explicitly.</summary>
    public ArgAttribute(string name, params string[] aliases)
    {
        Name = name;
        Aliases = aliases;
    }

    /// <summary>The config name.</summary>
    public string Name { get; }

    /// <summary>Other accepted spellings.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>One-line description shown by <c>mmar list</c> and in the schema.</summary>
    public string? Description { get; init; }
}

/// <summary>Marks a string arg as a path that must name an existing file once variables are substituted; <c>mmar check</c> verifies it.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ExistingFileAttribute : Attribute;
