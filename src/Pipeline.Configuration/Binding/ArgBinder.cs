using System.Text.Json.Nodes;
using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Binding;

/// <summary>Matches a spec's <c>args</c> to a component's constructor parameters and converts them, collecting every problem of the spec in one pass.</summary>
/// <remarks>Arg names match exactly (as Python keyword arguments do); a near miss gets a suggestion. Keys starting with <c>_</c> are comments and ignored.</remarks>
internal sealed class ArgBinder(IServiceProvider services)
{
    /// <summary>Constructor arguments, or null when any problem was recorded.</summary>
    public object?[]? Bind(ComponentSpec spec, ComponentDescriptor descriptor, ConfigProblems problems)
    {
        var errorsBefore = problems.ErrorCount;
        var argsPath = JsonPaths.Property(spec.JsonPath, "args");
        var given = MatchGivenArgs(spec, descriptor, argsPath, problems);
        var reader = new ArgValueReader(spec.File, problems);
        var values = new object?[descriptor.Parameters.Count];
        var missing = new List<ComponentParameter>();

        foreach (var p in descriptor.Parameters)
        {
            if (p.IsService)
            {
                values[p.Position] = ResolveService(spec, descriptor, p, problems);
                continue;
            }
            if (given.TryGetValue(p, out var written))
            {
                var path = JsonPaths.Property(argsPath, written.Key);
                if (reader.TryRead(written.Value, p.ArgType!, path, out var value))
                    values[p.Position] = p.IsExistingFile && value is string file ? CheckExistingFile(spec, file, path, problems) : value;
            }
            else if (p.HasDefault) values[p.Position] = p.DefaultValue;
            else missing.Add(p);
        }

        if (missing.Count > 0)
            problems.Error(spec.File, argsPath, missing.Count == 1
                ? $"{descriptor.Name} needs arg '{missing[0].Name}' ({missing[0].ArgType!.Describe()})"
                : $"{descriptor.Name} needs args {string.Join(", ", missing.Select(m => $"'{m.Name}' ({m.ArgType!.Describe()})"))}");

        return problems.ErrorCount == errorsBefore ? values : null;
    }

    private static Dictionary<ComponentParameter, KeyValuePair<string, JsonNode?>> MatchGivenArgs(ComponentSpec spec, ComponentDescriptor descriptor,
        string argsPath, ConfigProblems problems)
    {
        var given = new Dictionary<ComponentParameter, KeyValuePair<string, JsonNode?>>();
        foreach (var entry in spec.Args)
        {
            if (ConfigKeys.IsComment(entry.Key)) continue;
            var parameter = descriptor.FindArg(entry.Key);
            if (parameter is null)
            {
                problems.Error(spec.File, JsonPaths.Property(argsPath, entry.Key), UnknownArgMessage(descriptor, entry.Key));
                continue;
            }
            if (!given.TryAdd(parameter, entry))
                problems.Error(spec.File, JsonPaths.Property(argsPath, entry.Key),
                    $"arg '{parameter.Name}' is given twice (as '{given[parameter].Key}' and as '{entry.Key}')");
        }
        return given;
    }

    private static string UnknownArgMessage(ComponentDescriptor descriptor, string key)
    {
        var accepted = descriptor.Args.Select(a => a.Name).ToList();
        var message = $"{descriptor.Name} has no arg '{key}'";
        var hint = NameSuggestions.DidYouMean(key, descriptor.Args.SelectMany(a => a.AllNames));
        if (hint is not null) message += $"; {hint}";
        return accepted.Count == 0 ? $"{message}; it takes no args" : $"{message}; accepted: {string.Join(", ", accepted)}";
    }

    private object? ResolveService(ComponentSpec spec, ComponentDescriptor descriptor, ComponentParameter p, ConfigProblems problems)
    {
        var service = services.GetService(p.ClrType);
        if (service is not null) return service;
        if (p.HasDefault) return p.DefaultValue;
        problems.Error(spec.File, spec.JsonPath,
            $"{descriptor.Name} needs the service {p.ClrType.Name} (constructor parameter '{p.Name}'), which the host does not provide");
        return null;
    }

    private string CheckExistingFile(ComponentSpec spec, string file, string path, ConfigProblems problems)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            problems.Error(spec.File, path, "file not found: the path is empty");
            return file;
        }
        // Variable substitution already made MMAR paths absolute; a relative path left here is taken against the MMAR root when the host registered one.
        var root = (services.GetService(typeof(MmarPaths)) as MmarPaths)?.MmarRoot ?? Environment.CurrentDirectory;
        var full = Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(root, file));
        if (!File.Exists(full))
            problems.Error(spec.File, path, Directory.Exists(full) ? $"file not found: {full} is a folder" : $"file not found: {full}");
        return full;
    }
}
