using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;

namespace Pipeline.Runner;

/// <summary>The runner's service container for one MMAR: built-in components, the MMAR's plugins and its paths.</summary>
public static class MmarServices
{
    /// <summary>Loads the plugins of <paramref name="mmar"/> and <paramref name="pluginDirs"/> (problems go to <paramref name="problems"/>) and builds the container.</summary>
    public static ServiceProvider Create(string mmar, IReadOnlyList<string> pluginDirs, MmarPaths paths, ConfigProblems problems)
    {
        var plugins = PluginCatalog.LoadForMmar(mmar, pluginDirs, problems);
        return PipelineServices.Build(BuiltInComponents.Assemblies, plugins, s => s.AddSingleton(paths));
    }
}
