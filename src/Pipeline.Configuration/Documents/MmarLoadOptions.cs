namespace Pipeline.Configuration.Documents;

/// <summary>What to load: the <c>-m</c>, <c>-c</c>, <c>-e</c> and <c>--set</c> arguments of a Clara command.</summary>
public sealed record MmarLoadOptions
{
    /// <summary>Default config file, relative to the MMAR root.</summary>
    public const string DefaultConfigFile = "config/config_train.json";

    /// <summary>Default environment file, relative to the MMAR root.</summary>
    public const string DefaultEnvironmentFile = "config/environment.json";

    /// <summary>The MMAR folder (relative paths are taken against the current directory).</summary>
    public required string MmarRoot { get; init; }

    /// <summary>The workflow config; relative paths are taken against the MMAR root.</summary>
    public string ConfigFile { get; init; } = DefaultConfigFile;

    /// <summary>The environment file; relative paths are taken against the MMAR root.</summary>
    public string EnvironmentFile { get; init; } = DefaultEnvironmentFile;

    /// <summary>The <c>--set KEY=VALUE</c> items, in command-line order (later wins).</summary>
    public IReadOnlyList<string> Set { get; init; } = [];

    /// <summary>Forces the config kind; null detects it from the keys (<c>train</c> → training).</summary>
    public ConfigKind? Kind { get; init; }
}
