using System.CommandLine;
using Pipeline.Runner.Commands;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Runner;

/// <summary>The <c>mmar</c> command line: builds the command tree and runs it.</summary>
public static class MmarCli
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build() =>
        new("mmar: train, validate, infer and check Clara-style MMARs (Medical Model ARchives).")
        {
            CheckCommand.Create(),
            TrainCommand.Create(),
            ValidateCommand.Create(),
            InferCommand.Create(),
            ListCommand.Create(),
            SchemaCommand.Create(),
            InfoCommand.Create(),
            ConvertCommand.Create(),
            PreviewCommand.Create(),
            ImportWeightsCommand.Create(),
            ExportCommand.Create(),
            GenerateDemoDataCommand.Create(),
            BenchCommand.Create(),
        };

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var config = new InvocationConfiguration();
        if (output is not null) config.Output = output;
        if (error is not null) config.Error = error;
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
        {
            // A command-line mistake is a config-level mistake: exit 2, as check does for a bad MMAR.
            var err = config.Error;
            foreach (var e in parse.Errors) err.WriteLine($"error: {e.Message}");
            err.WriteLine("Run 'mmar --help' (or 'mmar COMMAND --help') for usage.");
            return ExitCodes.ConfigError;
        }
        // What the NIfTI reader reads past (e.g. bytes after a file's gzip data) goes to this command's error output,
        // whichever thread of the command reads the image.
        var errorLock = new object();
        using var warnings = NiftiWarnings.RedirectTo(message =>
        {
            lock (errorLock) config.Error.WriteLine($"warning: {message}");
        });
        return await parse.InvokeAsync(config);
    }
}
