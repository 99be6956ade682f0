namespace Pipeline.Inference;

/// <summary>How <see cref="MmarSegmenter.Open"/> reads an MMAR; the defaults are those of <c>mmar infer</c>.</summary>
public sealed record SegmenterOptions
{
    /// <summary>The evaluation config, relative to the MMAR folder.</summary>
    public string ConfigFile { get; init; } = "config/config_validation.json";

    /// <summary>The environment file, relative to the MMAR folder.</summary>
    public string EnvironmentFile { get; init; } = "config/environment.json";

    /// <summary><c>KEY=VALUE</c> overrides of environment variables and top-level config keys, as <c>--set</c> takes them (e.g. <c>MMAR_CKPT_DIR=/models/liver</c> for another checkpoint folder).</summary>
    public IReadOnlyList<string> Set { get; init; } = [];

    /// <summary>Extra folders of plugin assemblies, besides the MMAR's own <c>plugins</c> folder.</summary>
    public IReadOnlyList<string> PluginFolders { get; init; } = [];

    /// <summary>Receives warnings (e.g. bytes read past in a file) instead of standard error; nothing is written when null.</summary>
    public TextWriter? Log { get; init; }
}
