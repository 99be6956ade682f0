using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Configuration.Registry;

/// <summary>The composition root: one service provider holding every built-in and plugin component, the registry and the factory.</summary>
public static class PipelineServices
{
    /// <summary>Builds the provider and the registry eagerly, so duplicate component names fail at startup rather than at first lookup.</summary>
    /// <param name="builtInAssemblies">Assemblies shipped with the host (Pipeline.Transforms, Pipeline.Inferers, …).</param>
    /// <param name="pluginAssemblies">Assemblies from <see cref="Plugins.PluginCatalog.Load"/>.</param>
    /// <param name="configure">Adds host services that components may ask for (loggers, the <see cref="Documents.MmarPaths"/> relative file args resolve against, …).</param>
    /// <exception cref="Pipeline.Configuration.ConfigException">Two components claim the same name within a kind.</exception>
    /// <exception cref="ComponentDeclarationException">A component class cannot be bound from a config.</exception>
    public static ServiceProvider Build(IEnumerable<Assembly> builtInAssemblies, IEnumerable<Assembly> pluginAssemblies,
        Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddPipelineComponents(builtInAssemblies.Distinct().ToArray());
        services.AddPipelinePlugins(pluginAssemblies.Distinct().ToList());
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<ComponentRegistry>();
        }
        catch
        {
            provider.Dispose();
            throw;
        }
        return provider;
    }
}
