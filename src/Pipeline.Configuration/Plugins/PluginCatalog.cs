using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Pipeline.Components;
using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Plugins;

/// <summary>Finds and loads plugin assemblies (<c>&lt;mmar&gt;/plugins/</c> and <c>--plugins</c> folders), each in its own load context, and checks that their components can be registered.</summary>
/// <remarks>
/// In a folder, every top-level <c>*.dll</c> is a plugin unless a <c>*.deps.json</c> in the same folder lists it as a
/// dependency of another plugin, and every subfolder <c>X/</c> holding <c>X/X.dll</c> is a plugin with its dependencies beside it.
/// A plugin that cannot be loaded (not an assembly, missing dependency, unusable component class) becomes a problem naming
/// the file and is left out; the others still load. A file is loaded once per process, whatever the number of calls.
/// </remarks>
public static class PluginCatalog
{
    /// <summary>The plugin folder inside an MMAR.</summary>
    public const string MmarPluginFolder = "plugins";

    private static readonly ConcurrentDictionary<string, Assembly> LoadedByPath = new(StringComparer.Ordinal);
    private static readonly Lock LoadLock = new();

    /// <summary>Loads the plugins of an MMAR (its <c>plugins/</c> folder, when present) and of the extra folders (which must exist).</summary>
    public static IReadOnlyList<Assembly> LoadForMmar(string mmarRoot, IEnumerable<string> extraDirs, ConfigProblems problems)
    {
        var own = Path.Combine(mmarRoot, MmarPluginFolder);
        return Load(Directory.Exists(own) ? extraDirs.Prepend(own) : extraDirs, problems);
    }

    /// <summary>Loads the plugins in <paramref name="dirs"/> (a folder, or a single <c>.dll</c>); problems are recorded, never thrown.</summary>
    public static IReadOnlyList<Assembly> Load(IEnumerable<string> dirs, ConfigProblems problems)
    {
        var result = new List<Assembly>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var dir in dirs.Select(Path.GetFullPath).Distinct())
        {
            IEnumerable<string> candidates;
            if (File.Exists(dir)) candidates = [dir];
            else if (Directory.Exists(dir)) candidates = PluginFiles(dir, problems);
            else
            {
                problems.Error(dir, "", "plugin folder not found");
                continue;
            }
            foreach (var file in candidates)
                if (LoadOne(file, names, problems) is { } assembly && !result.Contains(assembly))
                    result.Add(assembly);
        }
        return result;
    }

    private static IEnumerable<string> PluginFiles(string dir, ConfigProblems problems)
    {
        var dependencies = DependenciesListedIn(dir, problems);
        foreach (var dll in Directory.EnumerateFiles(dir, "*.dll").Order(StringComparer.Ordinal))
            if (!dependencies.Contains(Path.GetFileName(dll)))
                yield return dll;
        foreach (var sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            var main = Path.Combine(sub, Path.GetFileName(sub) + ".dll");
            if (File.Exists(main)) yield return main;
        }
    }

    /// <summary>File names of the assemblies that the plugins' .deps.json files list as their (private) dependencies.</summary>
    private static HashSet<string> DependenciesListedIn(string dir, ConfigProblems problems)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var depsFile in Directory.EnumerateFiles(dir, "*.deps.json"))
        {
            var owner = Path.GetFileName(depsFile)[..^".deps.json".Length] + ".dll";
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(depsFile));
                if (!doc.RootElement.TryGetProperty("targets", out var targets)) continue;
                foreach (var target in targets.EnumerateObject())
                foreach (var library in target.Value.EnumerateObject())
                    if (library.Value.TryGetProperty("runtime", out var runtime))
                        foreach (var asset in runtime.EnumerateObject())
                        {
                            var fileName = Path.GetFileName(asset.Name);
                            if (!string.Equals(fileName, owner, StringComparison.OrdinalIgnoreCase)) result.Add(fileName);
                        }
            }
            catch (JsonException e)
            {
                problems.Warning(depsFile, "", $"cannot read plugin dependency list: {e.Message}");
            }
        }
        return result;
    }

    private static Assembly? LoadOne(string file, Dictionary<string, string> names, ConfigProblems problems)
    {
        AssemblyName name;
        try
        {
            name = AssemblyName.GetAssemblyName(file);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException or UnauthorizedAccessException)
        {
            problems.Error(file, "", $"plugin could not be loaded: not a .NET assembly ({e.Message})");
            return null;
        }

        var simpleName = name.Name ?? Path.GetFileNameWithoutExtension(file);
        if (names.TryGetValue(simpleName, out var first))
        {
            problems.Warning(file, "", $"plugin skipped: assembly {simpleName} was already loaded from {first}");
            return null;
        }
        if (!LoadedByPath.ContainsKey(file) && PluginLoadContext.HostProvides(simpleName))
        {
            problems.Warning(file, "", $"plugin skipped: {simpleName} is part of the host; remove it from the plugin folder");
            return null;
        }

        Assembly assembly;
        lock (LoadLock)
        {
            if (!LoadedByPath.TryGetValue(file, out assembly!))
            {
                try
                {
                    assembly = new PluginLoadContext(file).LoadFromAssemblyPath(file);
                }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or InvalidOperationException)
                {
                    problems.Error(file, "", $"plugin could not be loaded: {e.Message}");
                    return null;
                }
                LoadedByPath[file] = assembly;
            }
        }
        names[simpleName] = file;
        return Validate(assembly, file, problems) ? assembly : null;
    }

    /// <summary>Loads every type and reads every component declaration now, so registration cannot fail later.</summary>
    private static bool Validate(Assembly assembly, string file, ConfigProblems problems)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var reasons = e.LoaderExceptions.OfType<Exception>().Select(x => x.Message).Distinct().Take(5);
            problems.Error(file, "", $"plugin could not be loaded (missing dependency?): {string.Join("; ", reasons)}");
            return false;
        }

        var ok = true;
        var components = 0;
        foreach (var type in types)
        {
            try
            {
                if (type.GetCustomAttribute<ComponentAttribute>() is null) continue;
                ComponentDescriptor.FromType(type, ComponentSource.Plugin(file));
                components++;
            }
            catch (Exception e) when (e is ComponentDeclarationException or FileNotFoundException or FileLoadException or TypeLoadException or BadImageFormatException)
            {
                problems.Error(file, "", $"plugin component {type.FullName} cannot be used: {e.Message}");
                ok = false;
            }
        }
        if (ok && components == 0)
            problems.Warning(file, "", "plugin has no [Component] classes");
        return ok;
    }
}
