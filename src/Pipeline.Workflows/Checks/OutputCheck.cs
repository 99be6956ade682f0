using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Evaluation;
using Pipeline.IO;
using Pipeline.Training;
using Pipeline.Workflows.Evaluation;
using Pipeline.Workflows.Training;

namespace Pipeline.Workflows.Checks;

/// <summary>The output rule, judged before a run writes anything: every file it will write lies inside its output folder and is reached through no link that leads out.</summary>
internal static class OutputCheck
{
    /// <summary>The files a training run writes into <c>MMAR_CKPT_DIR</c> under fixed names (event files get fresh names).</summary>
    public static readonly IReadOnlyList<string> TrainingFiles =
    [
        SupervisedTrainer.BestCheckpoint, SupervisedTrainer.FinalCheckpoint, SupervisedTrainer.PreviousCheckpoint,
        Handlers.TrainingLogFileHandler.FileName, TrainingWorkflow.ResolvedConfigFile,
    ];

    /// <summary>Checks the checkpoint folder and every file the trainer writes there.</summary>
    public static void Training(MmarConfig config, OutputFolder output, ConfigProblems problems)
    {
        if (output.FolderProblem(output.Root) is { } folder) problems.Error(config.EnvironmentFile, KnownVariables.CheckpointDir, folder);
        foreach (var name in TrainingFiles)
            if (output.Problem(name) is { } problem)
                problems.Error(config.EnvironmentFile, KnownVariables.CheckpointDir, problem);
    }

    /// <summary>Checks the report files, each metric's name and <c>report_path</c>, and every writer's file for every input.</summary>
    public static void Evaluation(MmarConfig config, OutputFolder output, IReadOnlyList<BuiltStep> metrics, IReadOnlyList<IEvalWriter> writers,
        IReadOnlyList<DatalistItem>? items, ConfigProblems problems)
    {
        var file = config.File;
        foreach (var name in new[] { EvaluationReport.PerImageFile, EvaluationReport.MetricsFile })
            if (output.Problem(name) is { } problem)
                problems.Error(config.EnvironmentFile, KnownVariables.EvalOutputPath, problem);
        foreach (var step in metrics)
        {
            var args = JsonPaths.Property(step.Spec.JsonPath, "args");
            if (step.Component is IMetric metric && !OutputFolder.IsSafeName(metric.Name))
                problems.Error(file, JsonPaths.Property(args, "name"),
                    $"'{metric.Name}' cannot name a report column and its files; use a name without path separators or control characters, e.g. val_mean_dice");
            if (step.Component is IReportingMetric { ReportPath: { } path } && output.FolderProblem(config.Paths.Resolve(path)) is { } escape)
                problems.Error(file, JsonPaths.Property(args, "report_path"), $"{escape}; e.g. {{MMAR_EVAL_OUTPUT_PATH}}");
        }
        if (items is null || writers.Count == 0) return;
        foreach (var problem in OutputPlan.Create(items, writers, output).Problems)
            problems.Error(file, "writers", problem);
    }
}
