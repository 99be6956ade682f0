using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.Runner.Console;
using Pipeline.Inference;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar list [KIND]</c>: every registered component with its args, types and defaults.</summary>
public static class ListCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var kind = new Argument<string?>("kind")
        {
            Description = $"Only this kind: {string.Join(", ", Enum.GetValues<ComponentKind>().Select(k => k.ConfigName()))}.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var mmar = new Option<string?>("--mmar", "-m") { Description = "Also list the plugins of this MMAR (its plugins/ folder)." };
        var plugins = new Option<string[]>("--plugins") { Description = "Extra folders of plugin assemblies.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("list", "List every registered component (built-in and plugin) with its args, types and defaults.") { kind, mmar, plugins };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
            Run(parse.GetValue(kind), parse.GetValue(mmar), parse.GetValue(plugins) ?? [], parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));
        return command;
    }

    /// <summary>Prints the catalog; returns the exit code.</summary>
    public static int Run(string? kindText, string? mmar, IReadOnlyList<string> pluginDirs, TextWriter output, TextWriter error)
    {
        ComponentKind? only = null;
        if (kindText is not null)
        {
            if (!ComponentKinds.TryParse(kindText, out var k))
            {
                error.WriteLine($"error: unknown kind '{kindText}'; accepted: {string.Join(", ", Enum.GetValues<ComponentKind>().Select(x => x.ConfigName()))}" +
                                (NameSuggestions.DidYouMean(kindText, Enum.GetValues<ComponentKind>().Select(x => x.ConfigName())) is { } hint ? $"; {hint}" : ""));
                return ExitCodes.ConfigError;
            }
            only = k;
        }

        var problems = new ConfigProblems();
        var assemblies = mmar is null ? PluginCatalog.Load(pluginDirs, problems) : PluginCatalog.LoadForMmar(mmar, pluginDirs, problems);
        ProblemPrinter.Print(error, problems.Items);
        if (problems.HasErrors) return ExitCodes.ConfigError;

        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, assemblies);
        var registry = services.GetRequiredService<ComponentRegistry>();
        if (!registry.All.Any(d => only is null || d.Kind == only))
            output.WriteLine($"no {(only is { } k ? k.ConfigName() : "")} components are registered yet".Replace("  ", " "));
        foreach (var group in registry.All.Where(d => only is null || d.Kind == only).GroupBy(d => d.Kind).OrderBy(g => g.Key))
        {
            output.WriteLine($"{group.Key.ConfigName()}:");
            foreach (var d in group.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                var aliases = d.Names.Count > 1 ? $" (also {string.Join(", ", d.Names.Skip(1))})" : "";
                var source = d.Source.IsPlugin ? $"  [plugin {Path.GetFileName(d.Source.PluginFile)}]" : "";
                output.WriteLine($"  {d.Name}{aliases}{source}");
                foreach (var p in d.Parameters.Where(p => !p.IsService))
                {
                    var requirement = p.IsRequired ? "required" : $"default {FormatDefault(p.DefaultValue)}";
                    var description = p.Description is null ? "" : $" — {p.Description}";
                    output.WriteLine($"      {p.Name}: {p.ArgType!.Describe()}, {requirement}{description}");
                }
            }
        }
        return ExitCodes.Success;
    }

    private static string FormatDefault(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => $"\"{s}\"",
        double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
