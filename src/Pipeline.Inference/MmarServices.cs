using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.Workflows;

namespace Pipeline.Inference;

/// <summary>The service container for one MMAR: built-in components, the MMAR's plugins and its paths.</summary>
public static class MmarServices
{
    /// <summary>
    /// Loads the plugins of <paramref name="mmar"/> and <paramref name="pluginDirs"/> (problems go to <paramref name="problems"/>)
    /// and builds the container, with the MMAR's paths and the run's output folder (<see cref="RunOutput"/>) as services.
    /// </summary>
    public static ServiceProvider Create(string mmar, IReadOnlyList<string> pluginDirs, MmarConfig config, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        var plugins = PluginCatalog.LoadForMmar(mmar, pluginDirs, problems);
        var output = RunOutput.For(config);
        return PipelineServices.Build(BuiltInComponents.Assemblies, plugins, s => s.AddSingleton(config.Paths).AddSingleton(output));
    }
}
