using System.CommandLine;
using Pipeline.Configuration.Documents;

namespace Pipeline.Runner.Commands;

/// <summary>The options every MMAR command shares (<c>-m</c>, <c>-c</c>, <c>-e</c>, <c>--set</c>, <c>--plugins</c>), declared once.</summary>
public sealed class MmarOptions
{
    /// <summary><c>-m</c>: the MMAR folder.</summary>
    public Option<string> Mmar { get; } = new("--mmar", "-m") { Description = "The MMAR folder.", Required = true };

    /// <summary><c>-c</c>: the workflow config, relative to the MMAR.</summary>
    public Option<string?> Config { get; } = new("--config", "-c") { Description = "Workflow config, relative to the MMAR folder (default: every config/config_*.json present)." };

    /// <summary><c>-e</c>: the environment file, relative to the MMAR.</summary>
    public Option<string> Environment { get; } = new("--environment", "-e")
    {
        Description = "Environment file, relative to the MMAR folder.",
        DefaultValueFactory = _ => MmarLoadOptions.DefaultEnvironmentFile,
    };

    /// <summary><c>--set K=V ...</c>: typed overrides of environment variables and top-level config keys.</summary>
    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "KEY=VALUE overrides of environment variables or top-level config keys (typed: true, 3, 1e-4, [96,96,96], text).",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary><c>--plugins DIR</c>: extra plugin folders besides <c>&lt;mmar&gt;/plugins</c>.</summary>
    public Option<string[]> Plugins { get; } = new("--plugins")
    {
        Description = "Extra folders of plugin assemblies (besides <MMAR>/plugins).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Adds all the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Mmar);
        command.Add(Config);
        command.Add(Environment);
        command.Add(Set);
        command.Add(Plugins);
    }
}
