using System.CommandLine;
using System.Globalization;
using Pipeline.Runner.Benchmarks;
using Pipeline.Runner.Console;
using Pipeline.ImageIO;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar bench …</c>: speed and memory measurements (never timed tests).</summary>
public static class BenchCommand
{
    /// <summary>Builds the command and its subcommands.</summary>
    public static Command Create() => new("bench", "Measure speed and memory of parts of the product.") { ReadCommand(), TransformsCommand(), ModelCommand(), InferBenchmark.CreateCommand(), TrainBenchmark.CreateCommand() };

    private static Command ModelCommand()
    {
        var network = new BenchNetworkOptions();
        var args = new Option<string?>("--args") { Description = "Further model args as a JSON object, e.g. '{\"blocks_down\": \"1,2,2,4\"}'." };
        var size = new Option<string>("--size") { Description = "Window size: one number for every axis or a list such as 96,96,64.", DefaultValueFactory = _ => "96" };
        var batch = new Option<int>("--batch") { Description = "Windows per forward pass.", DefaultValueFactory = _ => 1 };
        var precision = new Option<string>("--precision") { Description = "fp32 or bf16.", DefaultValueFactory = _ => "fp32" };
        precision.AcceptOnlyFromAmong("fp32", "bf16");
        var repeats = new Option<int>("--repeats") { Description = "Timed repetitions after one warm-up.", DefaultValueFactory = _ => 3 };
        var command = new Command("model", "Time a network's forward and forward+backward pass on one batch of windows.");
        network.AddTo(command);
        foreach (var option in new Option[] { args, size, batch, precision, repeats }) command.Add(option);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var error = parse.InvocationConfiguration.Error;
            var modelArgs = network.ModelArgs(parse);
            if (parse.GetValue(args) is { } extra)
            {
                System.Text.Json.Nodes.JsonNode? parsed;
                try
                {
                    parsed = System.Text.Json.Nodes.JsonNode.Parse(extra);
                }
                catch (System.Text.Json.JsonException e)
                {
                    error.WriteLine($"error: --args is not valid JSON: {e.Message}");
                    return ExitCodes.ConfigError;
                }
                if (parsed is not System.Text.Json.Nodes.JsonObject extraArgs)
                {
                    error.WriteLine("error: --args must be a JSON object");
                    return ExitCodes.ConfigError;
                }
                foreach (var (key, value) in extraArgs) modelArgs[key] = value?.DeepClone();
            }
            var parts = parse.GetValue(size)!.Split(',', StringSplitOptions.TrimEntries);
            var dims = parts.Select(p => long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : -1).ToArray();
            if (dims.Any(d => d < 0) || dims.Length is not (1 or 2 or 3) || parse.GetValue(batch) < 1)
            {
                error.WriteLine("error: --size must be one to three positive integers and --batch at least 1");
                return ExitCodes.ConfigError;
            }
            if (dims.Length == 1) dims = [dims[0], dims[0], dims[0]];
            ModelBenchmark.Run(new ModelBenchmark.Options(parse.GetValue(network.Model)!, modelArgs, parse.GetValue(network.InChannels), dims,
                parse.GetValue(batch), parse.GetValue(precision)!, Math.Max(1, parse.GetValue(repeats))), parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        }));
        return command;
    }

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

    private static Command ReadCommand()
    {
        var file = new Argument<string?>("file") { Description = "A NIfTI file, DICOM file or DICOM series folder to read; omitted: a synthetic CT-like int16 .nii.gz of --size is made first.", Arity = ArgumentArity.ZeroOrOne };
        var size = new Option<string>("--size") { Description = "Size of the synthetic volume, e.g. 512,512,300.", DefaultValueFactory = _ => "512,512,300" };
        var repeats = new Option<int>("--repeats") { Description = "Timed reads after one warm-up read.", DefaultValueFactory = _ => 5 };
        var command = new Command("read", "Time full reads of one image: NIfTI (decompression, byte order, axis reorder) or a DICOM series (parsing, decoding, sorting, rescaling).") { file, size, repeats };
        command.Aliases.Add("nifti");
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
                var result = ImageReadBenchmark.Run(path, Math.Max(1, parse.GetValue(repeats)));
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

    private static long[]? ParseSize(string text) => PositiveSizes.TryParse(text, out var sizes) && sizes.Length == 3 ? [.. sizes.Select(s => (long)s)] : null;
}
