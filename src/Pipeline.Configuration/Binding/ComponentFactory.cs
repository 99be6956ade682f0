using System.Reflection;
using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Binding;

/// <summary>Builds components from specs: finds the class, binds <c>args</c> to its constructor (services from DI) and constructs it, reporting every problem at its JSON path.</summary>
/// <remarks>
/// Names: exact first, then a unique case-insensitive match with a warning; a dotted name falls back to its last segment.
/// Args: names match exactly (or an [Arg] alias); <c>_</c>-prefixed keys are comments. Loose values accepted as Clara
/// configs and variable substitution produce them: a single value for a list (<c>"fields": "image"</c>, <c>"roi_size": 96</c>
/// → one element, not broadcast: the component knows its rank); <c>"32,64,64"</c> for a list of numbers; numeric strings
/// for numbers; integers for floats and integral floats for integers; <c>true</c>/<c>false</c> (or those strings, never 0/1)
/// for booleans; enum names in snake_case or PascalCase, any case. JSON <c>null</c> only for <c>T?</c> parameters.
/// All problems of a spec are collected before giving up; nothing is constructed when there is one.
/// </remarks>
public sealed class ComponentFactory
{
    private readonly ComponentResolver _resolver;
    private readonly ArgBinder _binder;

    /// <summary>Creates the factory over <paramref name="registry"/>; services for non-config constructor parameters come from <paramref name="services"/>.</summary>
    public ComponentFactory(ComponentRegistry registry, IServiceProvider services)
    {
        _resolver = new ComponentResolver(registry);
        _binder = new ArgBinder(services);
    }

    /// <summary>The registry specs are resolved against.</summary>
    public ComponentRegistry Registry => _resolver.Registry;

    /// <summary>Finds the class and converts the args without constructing anything (what <c>mmar check</c> needs); null when any problem was recorded.</summary>
    public BoundComponent? Bind(ComponentSpec spec, ConfigProblems problems)
    {
        var descriptor = _resolver.Resolve(spec, problems);
        if (descriptor is null) return null;
        var arguments = _binder.Bind(spec, descriptor, problems);
        return arguments is null ? null : new BoundComponent(spec, descriptor, arguments);
    }

    /// <summary>Binds and constructs the component; null when any problem was recorded (the spec's <see cref="ComponentSpec.Disabled"/> flag is not consulted).</summary>
    public object? Create(ComponentSpec spec, ConfigProblems problems)
    {
        var bound = Bind(spec, problems);
        return bound is null ? null : Construct(bound, problems);
    }

    /// <summary>Binds and constructs the component and checks that it is a <typeparamref name="T"/> (e.g. that a plugin transform implements <see cref="ITransform"/>).</summary>
    public T? Create<T>(ComponentSpec spec, ConfigProblems problems) where T : class
    {
        var bound = Bind(spec, problems);
        if (bound is null) return null;
        if (!typeof(T).IsAssignableFrom(bound.Descriptor.Type))
        {
            problems.Error(spec.File, spec.JsonPath,
                $"{bound.Descriptor.FullName} ({bound.Descriptor.Source}) is declared a {spec.Kind.ConfigName()} but does not implement {typeof(T).Name}");
            return null;
        }
        return (T?)Construct(bound, problems);
    }

    /// <summary>Creates every spec that is not disabled, in order; problems of all specs are collected.</summary>
    public IReadOnlyList<T> CreateAll<T>(IEnumerable<ComponentSpec> specs, ConfigProblems problems) where T : class =>
        specs.Where(s => !s.Disabled).Select(s => Create<T>(s, problems)).OfType<T>().ToList();

    /// <summary>Runs the constructor of a bound component, turning what it throws into problems.</summary>
    /// <remarks>
    /// <see cref="ConfigArgException"/> is reported at its arg; an <see cref="ArgumentException"/> whose parameter name is a
    /// constructor parameter at that arg, otherwise at <c>args</c>; anything else at the spec, by message only (no stack trace).
    /// </remarks>
    public object? Construct(BoundComponent bound, ConfigProblems problems)
    {
        var (spec, descriptor) = (bound.Spec, bound.Descriptor);
        var argsPath = JsonPaths.Property(spec.JsonPath, "args");
        try
        {
            return descriptor.Constructor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, bound.Arguments.ToArray(), culture: null);
        }
        catch (ConfigArgException e)
        {
            problems.Error(spec.File, ArgPath(descriptor, argsPath, e.Arg), e.Message);
        }
        catch (ArgumentException e)
        {
            var path = e.ParamName is { } name && ArgNamed(descriptor, name) is { } arg ? JsonPaths.Property(argsPath, arg.Name) : argsPath;
            problems.Error(spec.File, path, MessageWithoutParamName(e));
        }
        catch (Exception e)
        {
            problems.Error(spec.File, spec.JsonPath, $"{descriptor.Name} could not be created: {e.GetType().Name}: {e.Message}");
        }
        return null;
    }

    private static string ArgPath(ComponentDescriptor descriptor, string argsPath, string arg)
    {
        // The arg may name an element ("size[2]") and may use the C# parameter name instead of the config name.
        var bracket = arg.IndexOf('[');
        var (head, tail) = bracket < 0 ? (arg, "") : (arg[..bracket], arg[bracket..]);
        var name = ArgNamed(descriptor, head)?.Name ?? head;
        return JsonPaths.Property(argsPath, name) + tail;
    }

    private static ComponentParameter? ArgNamed(ComponentDescriptor descriptor, string name) =>
        descriptor.FindArg(name) ?? descriptor.Args.FirstOrDefault(p => p.Parameter.Name == name);

    private static string MessageWithoutParamName(ArgumentException e)
    {
        var suffix = e.ParamName is null ? null : $" (Parameter '{e.ParamName}')";
        return suffix is not null && e.Message.Contains(suffix, StringComparison.Ordinal) ? e.Message.Replace(suffix, "", StringComparison.Ordinal) : e.Message;
    }
}
