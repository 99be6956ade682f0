using System.CommandLine;
using Pipeline.Configuration;
using Pipeline.Runner.Console;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar infer</c>: runs config_validation.json without labels or metrics and writes the predictions.</summary>
public static class InferCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new MmarOptions();
        var evaluation = new EvaluationOptions();
        var input = new Option<string?>("--input", "-i") { Description = "An image file, a folder of .nii/.nii.gz images, or a folder holding a DICOM series (read by LoadImage or LoadDicom), to segment." };
        var datalistKey = new Option<string?>("--datalist-key") { Description = "Segment the images of this data-list list instead (e.g. test)." };
        var outputDir = new Option<string?>("--output", "-o") { Description = "Output folder (default MMAR_EVAL_OUTPUT_PATH); one sub-folder per image." };
        var command = new Command("infer", "Segment images with the trained model as config_validation.json describes (pre_transforms, model_loader + inferer, post_transforms, writers), without labels or metrics.");
        options.AddTo(command);
        evaluation.AddTo(command);
        command.Add(input);
        command.Add(datalistKey);
        command.Add(outputDir);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var file = parse.GetValue(input);
            var key = parse.GetValue(datalistKey);
            if ((file is null) == (key is null))
                throw new ConfigException("", "--input", "name what to segment: either --input FILE_OR_DIR or --datalist-key KEY (not both)");
            var request = new EvaluationRequest(
                parse.GetValue(options.Mmar)!, parse.GetValue(options.Config), parse.GetValue(options.Environment)!,
                parse.GetValue(options.Set) ?? [], parse.GetValue(options.Plugins) ?? [], Inference: true,
                Input: file, DataListKey: key, OutputDir: parse.GetValue(outputDir),
                Shard: parse.GetValue(evaluation.Shard), ShardCount: parse.GetValue(evaluation.ShardCount), Overwrite: parse.GetValue(evaluation.Overwrite));
            return EvaluationRun.Execute(request, parse.InvocationConfiguration.Output);
        }));
        return command;
    }
}
