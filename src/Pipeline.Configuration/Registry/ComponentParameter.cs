using System.Reflection;

namespace Pipeline.Configuration.Registry;

/// <summary>One parameter of a component's binding constructor: a config arg, or a service taken from dependency injection.</summary>
public sealed class ComponentParameter
{
    /// <summary>Creates the metadata; use <see cref="ComponentDescriptor.FromType"/> rather than calling this directly.</summary>
    public ComponentParameter(ParameterInfo parameter, string name, IReadOnlyList<string> aliases, ArgType? argType,
        bool hasDefault, object? defaultValue, string? description, bool isExistingFile)
    {
        Parameter = parameter;
        Name = name;
        Aliases = aliases;
        ArgType = argType;
        HasDefault = hasDefault;
        DefaultValue = defaultValue;
        Description = description;
        IsExistingFile = isExistingFile;
    }

    /// <summary>The reflected constructor parameter.</summary>
    public ParameterInfo Parameter { get; }

    /// <summary>Position in the constructor's parameter list.</summary>
    public int Position => Parameter.Position;

    /// <summary>The config name (snake_case of the C# name unless [Arg] says otherwise); for services, the C# name.</summary>
    public string Name { get; }

    /// <summary>Other accepted config spellings.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The name and its aliases.</summary>
    public IEnumerable<string> AllNames => [Name, .. Aliases];

    /// <summary>The declared CLR type.</summary>
    public Type ClrType => Parameter.ParameterType;

    /// <summary>How the arg is written in a config; null for a service parameter.</summary>
    public ArgType? ArgType { get; }

    /// <summary>True when the value comes from the service provider rather than the config (the type is not config-bindable).</summary>
    public bool IsService => ArgType is null;

    /// <summary>True when the C# parameter has a default value.</summary>
    public bool HasDefault { get; }

    /// <summary>The default value (null when none or when the default is null).</summary>
    public object? DefaultValue { get; }

    /// <summary>True for a config arg the user must give.</summary>
    public bool IsRequired => !IsService && !HasDefault;

    /// <summary>One-line description from <c>[Arg(Description = …)]</c>.</summary>
    public string? Description { get; }

    /// <summary>True when the arg is marked [ExistingFile]: the binder checks that the file exists.</summary>
    public bool IsExistingFile { get; }

    /// <inheritdoc />
    public override string ToString() => IsService
        ? $"{Name}: service {ClrType.Name}"
        : $"{Name}: {ArgType}{(HasDefault ? " = " + FormatDefault() : " (required)")}";

    private string FormatDefault() => DefaultValue switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        Enum e => SnakeCase.From(e.ToString()),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    };
}
