using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.Runner.Console;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar check</c>: resolves and constructs every component of an MMAR's configs without running anything.</summary>
public static class CheckCommand
{
    private static readonly string[] DefaultConfigs = [MmarLoadOptions.DefaultConfigFile, "config/config_validation.json"];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new MmarOptions();
        var command = new Command("check", "Parse, substitute and resolve an MMAR's config and construct every component without running anything; exit 0, or print every problem and exit 2.");
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            return UserErrors.Run(error, () => Run(
                parse.GetValue(options.Mmar)!, parse.GetValue(options.Config), parse.GetValue(options.Environment)!,
                parse.GetValue(options.Set) ?? [], parse.GetValue(options.Plugins) ?? [], output, error));
        });
        return command;
    }

    /// <summary>Checks the MMAR; returns the exit code.</summary>
    public static int Run(string mmar, string? config, string environment, IReadOnlyList<string> set,
        IReadOnlyList<string> pluginDirs, TextWriter output, TextWriter error)
    {
        var problems = new ConfigProblems();
        if (!Directory.Exists(mmar))
        {
            problems.Error(mmar, "", "the MMAR folder does not exist");
            ProblemPrinter.Print(error, problems.Items);
            return ExitCodes.ConfigError;
        }

        var configs = config is not null
            ? [config]
            : DefaultConfigs.Where(c => File.Exists(Path.Combine(mmar, c))).ToList();
        if (configs.Count == 0)
            problems.Error(mmar, "", $"no config found: expected {string.Join(" or ", DefaultConfigs)}, or name one with -c");

        var plugins = PluginCatalog.LoadForMmar(mmar, pluginDirs, problems);
        var componentCount = 0;
        foreach (var file in configs)
            componentCount += CheckConfig(new MmarLoadOptions { MmarRoot = mmar, ConfigFile = file, EnvironmentFile = environment, Set = set },
                plugins, problems, output);

        ProblemPrinter.Print(error, problems.Items);
        if (problems.HasErrors) return ExitCodes.ConfigError;
        var warnings = problems.Items.Count(p => p.IsWarning);
        output.WriteLine($"OK: {mmar}: {configs.Count} config(s), {componentCount} component(s) constructed" +
                         (warnings > 0 ? $", {warnings} warning(s)." : "."));
        return ExitCodes.Success;
    }

    private static int CheckConfig(MmarLoadOptions options, IReadOnlyList<System.Reflection.Assembly> plugins, ConfigProblems problems, TextWriter output)
    {
        var loaded = MmarLoader.Read(options);
        problems.AddRange(loaded.Problems.Items);
        if (loaded.Config is not { } config) return 0;

        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, plugins, s => s.AddSingleton(config.Paths));
        var factory = services.GetRequiredService<ComponentFactory>();
        output.WriteLine($"{Path.GetRelativePath(config.MmarRoot, config.File)} ({config.Kind.ToString().ToLowerInvariant()} config)");
        var constructed = 0;
        var components = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var section in config.Sections)
        {
            var names = new List<string>();
            foreach (var spec in section.Specs)
            {
                if (spec.Disabled)
                {
                    names.Add($"{spec.DisplayName} (disabled)");
                    continue;
                }
                var component = factory.Create(spec, problems);
                if (component is null) continue;
                constructed++;
                components[spec.JsonPath] = component;
                names.Add(spec.Alias is null ? spec.DisplayName : $"{spec.DisplayName}#{spec.Alias}");
            }
            output.WriteLine($"  {section.JsonPath}: {string.Join(", ", names)}");
        }
        var fieldsByList = CheckDatalists(config, problems, output);
        FieldFlowCheck.Run(config, components, section => ChainStartFields(config, section, fieldsByList), problems);
        InputContractCheck.Run(config, components, problems);
        foreach (var component in components.Values) (component as IDisposable)?.Dispose();
        return constructed;
    }

    // Training chains start from the items of their own list; evaluation chains from the DATA_LIST_KEY list.
    private static IReadOnlySet<string>? ChainStartFields(MmarConfig config, string section, IReadOnlyDictionary<string, IReadOnlySet<string>> fieldsByList)
    {
        var key = config.Kind == ConfigKind.Train
            ? section.StartsWith("validate", StringComparison.Ordinal) ? "validation" : "training"
            : config.DataListKey;
        return fieldsByList.GetValueOrDefault(key);
    }


    /// <summary>Loads each list the config uses; returns, per list, the fields every item has.</summary>
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> CheckDatalists(MmarConfig config, ConfigProblems problems, TextWriter output)
    {
        var fields = new Dictionary<string, IReadOnlySet<string>>();
        if (config.Paths.DatasetJson is not { } datalist) return fields;
        var dataRoot = config.Paths.DataRoot ?? config.MmarRoot;
        var keys = config.Kind == ConfigKind.Train ? new[] { "training", "validation" } : [config.DataListKey];
        var counts = new List<string>();
        foreach (var key in keys)
        {
            var items = Datalist.Load(datalist, dataRoot, key, problems);
            counts.Add($"{key} {items.Count} item(s)");
            if (items.Count > 0)
                fields[key] = items.Select(i => i.Files.Keys.Concat(i.ValueFields).ToHashSet(StringComparer.Ordinal))
                    .Aggregate((a, b) => { a.IntersectWith(b); return a; });
        }
        output.WriteLine($"  datalist {Path.GetRelativePath(config.MmarRoot, datalist)}: {string.Join(", ", counts)}");
        return fields;
    }
}
