using System.CommandLine;
using Pipeline.Runner.Console;
using Pipeline.Runner.NetworkWeights;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar import-weights</c>: turns a PyTorch/MONAI safetensors state dict into one of our checkpoints for a given network spec.</summary>
public static class ImportWeightsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "JSON file with the network spec: {\"name\": \"SegResnet\", \"args\": {…}}, as a config's model section.", Required = true };
        var from = new Option<string>("--from") { Description = "The safetensors file holding the PyTorch/MONAI state dict.", Required = true };
        var to = new Option<string>("--to") { Description = "The checkpoint to write (atomically), e.g. models/model.ckpt.", Required = true };
        var inputShape = new Option<string?>("--input-shape") { Description = "Spatial shape a fixed-shape network (SegResnet) was trained for, e.g. 96,96,96; recorded in the checkpoint." };
        var command = new Command("import-weights", "Import PyTorch/MONAI weights (safetensors) into a checkpoint: map the names, check every shape, record the spec and input contract.")
        {
            model, from, to, inputShape,
        };
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var report = WeightImporter.Run(parse.GetValue(model)!, parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(inputShape));
            report.Print(parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        }));
        return command;
    }
}
