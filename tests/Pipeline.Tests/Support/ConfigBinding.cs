using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;

namespace Pipeline.Tests.Support;

/// <summary>Binds one component spec written as config JSON through the real registry and factory, as a config would.</summary>
internal static class ConfigBinding
{
    /// <summary>Creates component <paramref name="name"/> from <paramref name="args"/> with only <paramref name="types"/> registered.</summary>
    public static (object? Component, ConfigProblems Problems) Create(IReadOnlyList<Type> types, string name, string args,
        string file, string jsonPath, Action<IServiceCollection>? configure = null) =>
        Create(ComponentKind.Transform, types, name, args, file, jsonPath, configure);

    /// <summary>Creates component <paramref name="name"/> of section kind <paramref name="kind"/> (e.g. a model) from <paramref name="args"/>.</summary>
    public static (object? Component, ConfigProblems Problems) Create(ComponentKind kind, IReadOnlyList<Type> types, string name,
        string args, string file, string jsonPath, Action<IServiceCollection>? configure = null)
    {
        var collection = new ServiceCollection().AddPipelineComponentTypes(ComponentSource.BuiltIn, types.ToArray());
        configure?.Invoke(collection);
        using var services = collection.BuildServiceProvider();
        var problems = new ConfigProblems();
        var spec = new ComponentSpec
        {
            Kind = kind,
            Name = name,
            Args = JsonNode.Parse(args)!.AsObject(),
            File = file,
            JsonPath = jsonPath,
        };
        return (services.GetRequiredService<ComponentFactory>().Create(spec, problems), problems);
    }
}
