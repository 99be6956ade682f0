using System.CommandLine;
using Pipeline.Runner.Console;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar validate</c>: runs config_validation.json over a data-list list — inference, metrics with reports, writers — or merges shard reports.</summary>
public static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new MmarOptions();
        var evaluation = new EvaluationOptions();
        var merge = new Option<string[]>("--merge")
        {
            Description = "Merge the reports of these shard output folders (eval/shard-I-of-N) into the files one run writes, instead of evaluating.",
            Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("validate",
            "Evaluate the trained model as config_validation.json describes: per image pre_transforms, model_loader + inferer, post_transforms, " +
            "label_transforms and val_metrics; writers when output_infer_result is true. Reports go to MMAR_EVAL_OUTPUT_PATH.");
        options.AddTo(command);
        evaluation.AddTo(command);
        command.Add(merge);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var request = new EvaluationRequest(
                parse.GetValue(options.Mmar)!, parse.GetValue(options.Config), parse.GetValue(options.Environment)!,
                parse.GetValue(options.Set) ?? [], parse.GetValue(options.Plugins) ?? [], Inference: false,
                Shard: parse.GetValue(evaluation.Shard), ShardCount: parse.GetValue(evaluation.ShardCount), Overwrite: parse.GetValue(evaluation.Overwrite));
            var output = parse.InvocationConfiguration.Output;
            return parse.GetValue(merge) is { Length: > 0 } folders
                ? EvaluationRun.Merge(request, folders, output)
                : EvaluationRun.Execute(request, output);
        }));
        return command;
    }
}
