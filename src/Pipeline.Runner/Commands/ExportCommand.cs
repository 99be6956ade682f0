using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.IO;
using Pipeline.Onnx;
using Pipeline.Runner.Console;
using Pipeline.Workflows;
using Pipeline.Workflows.Export;
using Pipeline.Inference;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar export</c>: writes an MMAR's trained model as an ONNX file for ONNX Runtime or TensorRT.</summary>
public static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new MmarOptions();
        options.Mmar.Required = false;
        var checkpoint = new Option<string?>("--checkpoint") { Description = "With -m: the checkpoint to export (default MMAR_CKPT_DIR/model.ckpt)." };
        var model = new Option<string?>("--model") { Description = "Without an MMAR: JSON file with the network spec, {\"name\": \"SegResnet\", \"args\": {…}}; needs --from." };
        var from = new Option<string?>("--from") { Description = "Without an MMAR: the weights, one of our checkpoints or a PyTorch/MONAI state dict (.safetensors)." };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "The ONNX file to write: with -m inside MMAR_CKPT_DIR (default MMAR_CKPT_DIR/model.onnx); with --from, default beside the weights.",
        };
        var precision = new Option<string>("--precision")
        {
            Description = "fp32, or fp16 (weights and graph in float16, input and output still float32; for GPUs and TensorRT).", DefaultValueFactory = _ => "fp32",
        };
        precision.AcceptOnlyFromAmong("fp32", "fp16");
        var opset = new Option<int>("--opset") { Description = "ONNX operator set, 17 or later.", DefaultValueFactory = _ => 17 };
        var inputShape = new Option<string?>("--input-shape") { Description = "For a fixed-shape network whose checkpoint records no size: the size it was trained at; for SwinUNETR, whose graph depends on the size: the size to export for; e.g. 96,96,96." };
        var command = new Command("export", "Export a trained model as ONNX (dynamic batch axis; dynamic spatial axes where the network accepts other sizes), with its spec, input contract and training geometry in the metadata.")
        {
            checkpoint, model, from, output, precision, opset, inputShape,
        };
        options.AddTo(command);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var error = parse.InvocationConfiguration.Error;
            var mmar = parse.GetValue(options.Mmar);
            var (spec, weights) = (parse.GetValue(model), parse.GetValue(from));
            var fromMmar = mmar is not null && spec is null && weights is null;
            var fromWeights = mmar is null && spec is not null && weights is not null && parse.GetValue(checkpoint) is null;
            if (!fromMmar && !fromWeights)
            {
                error.WriteLine("error: give either -m MMAR [--checkpoint FILE], or --model SPEC.json --from WEIGHTS without an MMAR");
                return ExitCodes.ConfigError;
            }
            if (parse.GetValue(opset) is var o && o is < 17 or > 23)
            {
                error.WriteLine($"error: --opset {o}: accepted 17 to 23 (ONNX Runtime 1.32 runs up to 23)");
                return ExitCodes.ConfigError;
            }
            int[]? shape = null;
            if (parse.GetValue(inputShape) is { } text && !PositiveSizes.TryParse(text, out shape))
            {
                error.WriteLine($"error: --input-shape '{text}': accepted positive sizes separated by commas, e.g. 96,96,96");
                return ExitCodes.ConfigError;
            }
            var exportOptions = new OnnxExportOptions(o, shape)
            {
                Precision = parse.GetValue(precision) == "fp16" ? TorchSharp.torch.ScalarType.Float16 : TorchSharp.torch.ScalarType.Float32,
            };
            ModelExportResult result;
            if (mmar is null)
            {
                var pluginProblems = new ConfigProblems();
                var plugins = PluginCatalog.Load(parse.GetValue(options.Plugins) ?? [], pluginProblems);
                pluginProblems.ThrowIfErrors();
                using var services = PipelineServices.Build(BuiltInComponents.Assemblies, plugins);
                result = ModelExport.FromWeights(spec!, weights!, parse.GetValue(output) ?? Path.ChangeExtension(weights!, ".onnx"), exportOptions,
                    services.GetRequiredService<NetworkFactory>());
            }
            else
            {
                var loaded = MmarLoader.Load(new MmarLoadOptions
                {
                    MmarRoot = mmar, ConfigFile = parse.GetValue(options.Config) ?? MmarLoadOptions.DefaultConfigFile,
                    EnvironmentFile = parse.GetValue(options.Environment)!, Set = parse.GetValue(options.Set) ?? [], Kind = ConfigKind.Train,
                });
                var problems = new ConfigProblems();
                using var services = MmarServices.Create(mmar, parse.GetValue(options.Plugins) ?? [], loaded, problems);
                problems.ThrowIfErrors();
                result = ModelExport.FromMmar(loaded, services, parse.GetValue(checkpoint) is { } c ? Path.GetFullPath(c) : null,
                    parse.GetValue(output) ?? "model.onnx", exportOptions);
            }
            var geometry = result.Geometry is null ? "none known"
                : $"spacing {(result.Geometry.Spacing is { } s ? string.Join(", ", s.Select(v => v.ToString(CultureInfo.InvariantCulture))) : "as loaded")}, " +
                  $"orientation {result.Geometry.Orientation ?? "as loaded"}";
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {result.Path}: {result.Network.Name} in {parse.GetValue(precision)}, {result.Nodes} nodes, {result.Bytes / 1e6:0.00} MB in {result.Seconds:0.0} s; input 'image' " +
                $"[batch, {result.Contract.InChannels}, {(result.FixedSpatialShape is { } fixedShape ? string.Join(", ", fixedShape) : "dynamic spatial axes")}], output 'prediction'; " +
                $"training geometry: {geometry}"));
            return ExitCodes.Success;
        }));
        return command;
    }
}
