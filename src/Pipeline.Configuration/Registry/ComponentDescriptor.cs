using System.Reflection;
using Pipeline.Components;

namespace Pipeline.Configuration.Registry;

/// <summary>Everything the registry knows about one component class: kind, config names, binding constructor and its parameters, and where it came from.</summary>
public sealed class ComponentDescriptor
{
    private ComponentDescriptor(Type type, ComponentKind kind, IReadOnlyList<string> names, ConstructorInfo constructor,
        IReadOnlyList<ComponentParameter> parameters, ComponentSource source)
    {
        Type = type;
        Kind = kind;
        Names = names;
        Constructor = constructor;
        Parameters = parameters;
        Source = source;
    }

    /// <summary>The component class.</summary>
    public Type Type { get; }

    /// <summary>The section kind that accepts it.</summary>
    public ComponentKind Kind { get; }

    /// <summary>Config names: primary first, then aliases.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The primary config name.</summary>
    public string Name => Names[0];

    /// <summary>Full type name (what a spec's <c>path</c> names).</summary>
    public string FullName => Type.FullName ?? Type.Name;

    /// <summary>The public constructor with the most parameters.</summary>
    public ConstructorInfo Constructor { get; }

    /// <summary>All constructor parameters in order (config args and services).</summary>
    public IReadOnlyList<ComponentParameter> Parameters { get; }

    /// <summary>The parameters a config sets.</summary>
    public IEnumerable<ComponentParameter> Args => Parameters.Where(p => !p.IsService);

    /// <summary>Built-in or the plugin file.</summary>
    public ComponentSource Source { get; }

    /// <summary>The arg with config name (or alias) <paramref name="name"/>, or null.</summary>
    public ComponentParameter? FindArg(string name) =>
        Args.FirstOrDefault(p => p.Name == name || p.Aliases.Contains(name));

    /// <inheritdoc />
    public override string ToString() => $"{Kind.ConfigName()} {Name} ({FullName}, {Source})";

    /// <summary>Reads the [Component] declaration and binding constructor of <paramref name="type"/>.</summary>
    /// <exception cref="ComponentDeclarationException">The class cannot be bound from a config; the message says why.</exception>
    public static ComponentDescriptor FromType(Type type, ComponentSource source)
    {
        var attribute = type.GetCustomAttribute<ComponentAttribute>()
            ?? throw new ComponentDeclarationException(type, "is not marked [Component]");
        if (type.IsAbstract || type.IsInterface) throw new ComponentDeclarationException(type, "is abstract; a component must be a concrete class");
        if (type.ContainsGenericParameters) throw new ComponentDeclarationException(type, "is an open generic type; a component must be a closed class");
        if (attribute.Names.Any(string.IsNullOrWhiteSpace)) throw new ComponentDeclarationException(type, "declares an empty name");
        var duplicateName = attribute.Names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicateName is not null) throw new ComponentDeclarationException(type, $"declares the name '{duplicateName.Key}' twice");

        var constructor = BindingConstructor(type);
        var parameters = ReadParameters(type, constructor);
        return new ComponentDescriptor(type, attribute.Kind, attribute.Names, constructor, parameters, source);
    }

    private static ConstructorInfo BindingConstructor(Type type)
    {
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length == 0) throw new ComponentDeclarationException(type, "has no public constructor");
        var most = constructors.Max(c => c.GetParameters().Length);
        var widest = constructors.Where(c => c.GetParameters().Length == most).ToList();
        // Two equally wide constructors would make the bound arg set depend on reflection order.
        if (widest.Count > 1) throw new ComponentDeclarationException(type, $"has {widest.Count} public constructors with {most} parameters; the binder needs exactly one widest constructor");
        return widest[0];
    }

    private static List<ComponentParameter> ReadParameters(Type type, ConstructorInfo constructor)
    {
        var nullability = new NullabilityInfoContext();
        var result = new List<ComponentParameter>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in constructor.GetParameters())
        {
            var csharpName = p.Name ?? $"arg{p.Position}";
            if (p.ParameterType.IsByRef || p.IsOut) throw new ComponentDeclarationException(type, $"constructor parameter '{csharpName}' is passed by reference");
            var argType = ArgType.For(p.ParameterType, nullability.Create(p));
            var argAttribute = p.GetCustomAttribute<ArgAttribute>();
            var isExistingFile = p.GetCustomAttribute<ExistingFileAttribute>() is not null;
            if (argType is null && (argAttribute is not null || isExistingFile))
                throw new ComponentDeclarationException(type, $"constructor parameter '{csharpName}' of type {p.ParameterType.Name} is marked as a config arg, but that type cannot be read from a config");
            if (isExistingFile && argType!.Kind != ArgTypeKind.String)
                throw new ComponentDeclarationException(type, $"[ExistingFile] parameter '{csharpName}' must be a string");

            var name = argType is null ? csharpName : argAttribute?.Name ?? SnakeCase.From(csharpName);
            var aliases = argAttribute?.Aliases ?? [];
            if (argType is not null)
                foreach (var n in aliases.Prepend(name))
                    if (!owners.TryAdd(n, csharpName))
                        throw new ComponentDeclarationException(type, $"constructor parameters '{owners[n]}' and '{csharpName}' both use the config name '{n}'");

            var hasDefault = p.HasDefaultValue;
            result.Add(new ComponentParameter(p, name, aliases, argType, hasDefault, hasDefault ? NormalizeDefault(p) : null,
                argAttribute?.Description, isExistingFile));
        }
        return result;
    }

    private static object? NormalizeDefault(ParameterInfo p)
    {
        var value = p.DefaultValue;
        if (value is DBNull or Missing) return null;
        // Enum defaults come back as their underlying integer for some metadata readers.
        var core = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        return core.IsEnum && value is not null && value.GetType() != core ? Enum.ToObject(core, value) : value;
    }
}
