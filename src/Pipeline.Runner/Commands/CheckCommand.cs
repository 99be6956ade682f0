using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Workflows.Evaluation;
using Pipeline.Workflows.Training;
using Pipeline.Configuration.Registry;
using Pipeline.Runner.Console;
using Pipeline.Inference;

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

        var componentCount = 0;
        foreach (var file in configs)
            componentCount += CheckConfig(new MmarLoadOptions { MmarRoot = mmar, ConfigFile = file, EnvironmentFile = environment, Set = set },
                pluginDirs, problems, output);

        ProblemPrinter.Print(error, problems.Items);
        if (problems.HasErrors) return ExitCodes.ConfigError;
        var warnings = problems.Items.Count(p => p.IsWarning);
        output.WriteLine($"OK: {mmar}: {configs.Count} config(s), {componentCount} component(s) constructed" +
                         (warnings > 0 ? $", {warnings} warning(s)." : "."));
        return ExitCodes.Success;
    }

    private static int CheckConfig(MmarLoadOptions options, IReadOnlyList<string> pluginDirs, ConfigProblems problems, TextWriter output)
    {
        var loaded = MmarLoader.Read(options);
        problems.AddRange(loaded.Problems.Items);
        if (loaded.Config is not { } config) return 0;

        output.WriteLine($"{Path.GetRelativePath(config.MmarRoot, config.File)} ({config.Kind.ToString().ToLowerInvariant()} config)");
        foreach (var section in config.Sections)
            output.WriteLine($"  {section.JsonPath}: {string.Join(", ", section.Specs.Select(s => (s.Alias is null ? s.DisplayName : $"{s.DisplayName}#{s.Alias}") + (s.Disabled ? " (disabled)" : "")))}");
        var constructed = config.Sections.Sum(s => s.Specs.Count(spec => !spec.Disabled));

        // The same workflow the run builds, and the same checks the run makes before it starts.
        var errorsBefore = problems.ErrorCount;
        using var services = MmarServices.Create(config.MmarRoot, pluginDirs, config, problems);
        if (config.Kind == ConfigKind.Train)
        {
            using var workflow = TrainingWorkflow.Build(config, services, problems);
            workflow.Check(problems);
        }
        else
        {
            using var workflow = EvaluationWorkflow.Build(config, services, problems);
            var items = EvaluationWorkflow.DatalistInputs(config, problems);
            var doValidation = config.Globals.GetBoolean("do_validation", true);
            workflow.Check(problems, config.Paths.DatasetJson, items, doValidation);
        }
        return problems.ErrorCount > errorsBefore ? 0 : constructed;
    }
}
