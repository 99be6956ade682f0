using System.CommandLine;
using System.Globalization;
using Pipeline.Runner.Benchmarks;
using Pipeline.Runner.Console;
using Pipeline.Transforms.Nifti;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar bench …</c>: speed and memory measurements (never timed tests).</summary>
public static class BenchCommand
{
    /// <summary>Builds the command and its subcommands.</summary>
    public static Command Create() => new("bench", "Measure speed and memory of parts of the product.") { NiftiCommand(), TransformsCommand() };

    private static Command TransformsCommand()
    {
        var volumes = new Option<int>("--volumes") { Description = "Volumes to time after one warm-up volume.", DefaultValueFactory = _ => 3 };
        var command = new Command("transforms", "Time the spleen CT pre-transform chain (load, orient, resample to 1 mm, window, foreground crop, 4 pos/neg 96³ crops) per volume.") { volumes };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            SpleenChainBenchmark.Run(Math.Max(1, parse.GetValue(volumes)), parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command NiftiCommand()
    {
        var file = new Argument<string?>("file") { Description = "A NIfTI file to read; omitted: a synthetic CT-like int16 .nii.gz of --size is made first.", Arity = ArgumentArity.ZeroOrOne };
        var size = new Option<string>("--size") { Description = "Size of the synthetic volume, e.g. 512,512,300.", DefaultValueFactory = _ => "512,512,300" };
        var repeats = new Option<int>("--repeats") { Description = "Timed reads after one warm-up read.", DefaultValueFactory = _ => 5 };
        var command = new Command("nifti", "Time full NIfTI reads (decompression, byte order, axis reorder) of one file.") { file, size, repeats };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(file);
            string? temp = null;
            if (path is null)
            {
                var dims = ParseSize(parse.GetValue(size)!);
                if (dims is null)
                {
                    parse.InvocationConfiguration.Error.WriteLine("error: --size must be three positive integers such as 512,512,300");
                    return ExitCodes.ConfigError;
                }
                temp = Path.Combine(Path.GetTempPath(), $"mmar-bench-{Environment.ProcessId}.nii.gz");
                using (var volume = SyntheticVolume.CtLike(dims, [0.79, 0.79, 1.0]))
                    NiftiWriter.Write(volume, temp);
                path = temp;
                output.WriteLine($"synthetic volume {string.Join("×", dims)} int16 written to {temp} ({new FileInfo(temp).Length / 1e6:0.0} MB)");
            }
            try
            {
                GC.Collect();
                ProcessMemory.ResetPeak();
                var result = NiftiReadBenchmark.Run(path, Math.Max(1, parse.GetValue(repeats)));
                output.WriteLine(result.ToString());
                output.WriteLine($"peak RSS: {ProcessMemory.PeakResidentBytes() / 1e6:0} MB");
            }
            finally
            {
                if (temp is not null) File.Delete(temp);
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static long[]? ParseSize(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var dims = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out dims[i]) || dims[i] <= 0) return null;
        return dims.Length == 3 ? dims : null;
    }
}
