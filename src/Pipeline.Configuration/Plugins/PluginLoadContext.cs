using System.Reflection;
using System.Runtime.Loader;

namespace Pipeline.Configuration.Plugins;

/// <summary>The load context of one plugin assembly: the host's assemblies are shared, the plugin's private dependencies come from its own folder.</summary>
/// <remarks>
/// Sharing is what makes a plugin's class implement the host's <c>ITransform</c>: a second copy of Pipeline.Abstractions
/// would define a different interface. So every assembly the default context can load is taken from there. Contract
/// assemblies (Pipeline.*, TorchSharp, Microsoft.Extensions.*, System.*) are shared even when the plugin was built
/// against another version; anything else falls back to the plugin's own copy when the host cannot supply the version asked for.
/// Not collectible: component instances outlive any point where unloading would be safe.
/// </remarks>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly string[] SharedPrefixes = ["Pipeline.", "TorchSharp", "Microsoft.Extensions.", "System.", "System", "netstandard", "mscorlib"];
    private readonly AssemblyDependencyResolver _resolver;

    /// <summary>Creates the context for the plugin at <paramref name="pluginPath"/>.</summary>
    /// <exception cref="InvalidOperationException">The plugin's .deps.json cannot be read.</exception>
    public PluginLoadContext(string pluginPath) : base($"plugin:{Path.GetFileName(pluginPath)}", isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(pluginPath);
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (TryLoadFromHost(assemblyName) is { } shared) return shared;
        if (IsContract(assemblyName) && TryLoadFromHost(new AssemblyName(assemblyName.Name!)) is { } contract) return contract;
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    /// <summary>True when the host (default context) can supply an assembly with this simple name.</summary>
    public static bool HostProvides(string simpleName) => TryLoadFromHost(new AssemblyName(simpleName)) is not null;

    private static Assembly? TryLoadFromHost(AssemblyName name)
    {
        try
        {
            return Default.LoadFromAssemblyName(name);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    private static bool IsContract(AssemblyName name) =>
        name.Name is { } simple && SharedPrefixes.Any(p => p.EndsWith('.') ? simple.StartsWith(p, StringComparison.Ordinal) : simple == p);
}
