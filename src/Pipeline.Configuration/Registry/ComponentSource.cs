namespace Pipeline.Configuration.Registry;

/// <summary>Where a component type comes from: built into the host, or a plugin assembly file.</summary>
/// <param name="PluginFile">Full path of the plugin assembly; null for built-in components.</param>
public sealed record ComponentSource(string? PluginFile)
{
    /// <summary>A component shipped with the host.</summary>
    public static ComponentSource BuiltIn { get; } = new((string?)null);

    /// <summary>A component loaded from the plugin assembly at <paramref name="file"/>.</summary>
    public static ComponentSource Plugin(string file) => new(file);

    /// <summary>True for plugin components.</summary>
    public bool IsPlugin => PluginFile is not null;

    /// <inheritdoc />
    public override string ToString() => PluginFile is null ? "built-in" : $"plugin {PluginFile}";
}
