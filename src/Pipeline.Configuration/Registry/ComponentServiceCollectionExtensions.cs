using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Components;
using Pipeline.Configuration.Binding;

namespace Pipeline.Configuration.Registry;

/// <summary>Registers [Component] classes (found by Scrutor assembly scanning) with the service collection, together with their <see cref="ComponentDescriptor"/>s, the <see cref="ComponentRegistry"/> and the <see cref="ComponentFactory"/>.</summary>
public static class ComponentServiceCollectionExtensions
{
    /// <summary>Scans built-in <paramref name="assemblies"/> for [Component] classes.</summary>
    /// <exception cref="ComponentDeclarationException">A component class cannot be bound from a config.</exception>
    public static IServiceCollection AddPipelineComponents(this IServiceCollection services, params Assembly[] assemblies) =>
        services.AddComponents(scan => scan.FromAssemblies(assemblies), _ => ComponentSource.BuiltIn);

    /// <summary>Scans plugin assemblies (loaded by <see cref="Plugins.PluginCatalog"/>) for [Component] classes; each is recorded with its plugin file.</summary>
    /// <exception cref="ComponentDeclarationException">A component class cannot be bound from a config.</exception>
    public static IServiceCollection AddPipelinePlugins(this IServiceCollection services, IEnumerable<Assembly> plugins) =>
        services.AddComponents(scan => scan.FromAssemblies(plugins), type => ComponentSource.Plugin(type.Assembly.Location));

    /// <summary>Registers the given [Component] classes only (tests, or hosts that pick components one by one).</summary>
    /// <exception cref="ComponentDeclarationException">A component class cannot be bound from a config.</exception>
    public static IServiceCollection AddPipelineComponentTypes(this IServiceCollection services, ComponentSource source, params Type[] types) =>
        services.AddComponents(scan => scan.FromTypes(types), _ => source);

    private static IServiceCollection AddComponents(this IServiceCollection services, Func<Scrutor.ITypeSourceSelector, Scrutor.IImplementationTypeSelector> from,
        Func<Type, ComponentSource> sourceOf)
    {
        var before = services.Count;
        services.Scan(scan => from(scan)
            // Internal classes count too: a [Component] that silently vanished because it is not public would be hard to diagnose.
            .AddClasses(classes => classes.WithAttribute<ComponentAttribute>(), publicOnly: false)
            .AsSelf()
            .WithTransientLifetime());

        var scanned = services.Skip(before)
            .Select(d => d.ImplementationType)
            .OfType<Type>()
            .Where(t => t.GetCustomAttribute<ComponentAttribute>() is not null)
            .Distinct()
            .ToList();
        foreach (var type in scanned)
            services.AddSingleton(ComponentDescriptor.FromType(type, sourceOf(type)));

        services.TryAddSingleton(sp => new ComponentRegistry(sp.GetServices<ComponentDescriptor>()));
        services.TryAddSingleton<ComponentFactory>();
        services.TryAddSingleton<NetworkFactory>();
        return services;
    }
}
