using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.Configuration.Schema;
using Pipeline.IO;
using Pipeline.Runner.Console;
using Pipeline.Inference;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar schema</c>: a JSON Schema of config_train.json or config_validation.json generated from the registry.</summary>
public static class SchemaCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var kind = new Option<string>("--kind", "-k")
        {
            Description = "Which config the schema describes: train or validation.",
            DefaultValueFactory = _ => "train",
        };
        kind.AcceptOnlyFromAmong("train", "validation");
        var output = new Option<string?>("--output", "-o") { Description = "Write the schema to this file (atomically) instead of standard output." };
        var mmar = new Option<string?>("--mmar", "-m") { Description = "Include the components of this MMAR's plugins/ folder." };
        var plugins = new Option<string[]>("--plugins") { Description = "Extra folders of plugin assemblies.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("schema", "Print a JSON Schema of config_train.json / config_validation.json generated from the registry, for editor completion and validation.")
            { kind, output, mmar, plugins };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var problems = new ConfigProblems();
            var pluginDirs = parse.GetValue(plugins) ?? [];
            var assemblies = parse.GetValue(mmar) is { } m ? PluginCatalog.LoadForMmar(m, pluginDirs, problems) : PluginCatalog.Load(pluginDirs, problems);
            ProblemPrinter.Print(parse.InvocationConfiguration.Error, problems.Items);
            if (problems.HasErrors) return ExitCodes.ConfigError;

            using var services = PipelineServices.Build(BuiltInComponents.Assemblies, assemblies);
            var generator = new ConfigSchemaGenerator(services.GetRequiredService<ComponentRegistry>());
            var text = generator.GenerateText(parse.GetValue(kind) == "validation" ? ConfigKind.Validation : ConfigKind.Train);
            if (parse.GetValue(output) is { } file) OutputFolder.OfFile(file, "-o").WriteAllText(file, text + "\n");
            else parse.InvocationConfiguration.Output.WriteLine(text);
            return ExitCodes.Success;
        }));
        return command;
    }
}
