using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.Data;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Runner.Console;
using Pipeline.Training;
using Pipeline.IO;
using Pipeline.Workflows.Distributed;
using Pipeline.Workflows.Handlers;
using Pipeline.Workflows.Pipelines;
using Pipeline.Workflows.Training;
using Pipeline.Inference;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar train</c>: runs config_train.json — training with periodic validation, keeping the best and the last checkpoint.</summary>
public static class TrainCommand
{
    /// <summary>The resolved config_train.json (variables substituted) kept next to the checkpoints, so a run's exact settings stay with its models.</summary>
    public const string ResolvedConfigFile = TrainingWorkflow.ResolvedConfigFile;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new MmarOptions();
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the interrupted run from MMAR_CKPT_DIR/model_final.ckpt (weights, optimizer, learning-rate policy, RNG, epoch and best metric).",
        };
        var distributed = new Option<DistributedMode>("--distributed")
        {
            Description = "auto: train as one of several data-parallel ranks when started by mpirun or srun with more than one rank; mpi: always over MPI; none: one process.",
            DefaultValueFactory = _ => DistributedMode.Auto,
        };
        var rankTimeout = new Option<double>("--rank-timeout")
        {
            Description = "Seconds a rank waits for the others at a gradient or metric exchange before the whole run stops, naming the rank that did not come.",
            DefaultValueFactory = _ => 600,
        };
        rankTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var seconds && !(seconds > 0))
                result.AddError($"--rank-timeout must be a positive number of seconds; found {seconds}");
        });
        var command = new Command("train",
            "Train the MMAR's network as config_train.json describes; the best model (key metric) is kept as MMAR_CKPT_DIR/model.ckpt. " +
            "--set MMAR_CKPT=path starts from a checkpoint's weights (fine-tuning).");
        options.AddTo(command);
        command.Add(resume);
        command.Add(distributed);
        command.Add(rankTimeout);
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            IRankGroup? ranks = null;
            var code = UserErrors.Run(error, () =>
            {
                ranks = RankGroups.Open(parse.GetValue(distributed), TimeSpan.FromSeconds(parse.GetValue(rankTimeout)));
                return UserErrors.Run(error, () => Run(parse.GetValue(options.Mmar)!, parse.GetValue(options.Config), parse.GetValue(options.Environment)!,
                    parse.GetValue(options.Set) ?? [], parse.GetValue(options.Plugins) ?? [], parse.InvocationConfiguration.Output, parse.GetValue(resume), ranks));
            });
            // A rank that failed ends them all: the others wait in an exchange it will never join. Its message is printed by now.
            if (code != ExitCodes.Success) ranks?.Fail();
            ranks?.Dispose();
            return code;
        });
        return command;
    }

    /// <summary>Trains, as one of <paramref name="ranks"/> when given (rank 0 alone prints and writes); returns the exit code.</summary>
    public static int Run(string mmar, string? config, string environment, IReadOnlyList<string> set, IReadOnlyList<string> pluginDirs, TextWriter output,
        bool resume = false, IRankGroup? ranks = null)
    {
        ranks ??= SingleProcess.Instance;
        if (!ranks.IsRoot) output = TextWriter.Null;
        // Read, build and check exactly as mmar check does, so the run refuses what check refuses, with the same messages.
        var problems = new ConfigProblems();
        var read = MmarLoader.Read(new MmarLoadOptions
        {
            MmarRoot = mmar, ConfigFile = config ?? MmarLoadOptions.DefaultConfigFile, EnvironmentFile = environment, Set = set, Kind = ConfigKind.Train,
        });
        problems.AddRange(read.Problems.Items);
        if (read.Config is not { } loaded) throw new ConfigException(problems.Items);
        using var services = MmarServices.Create(mmar, pluginDirs, loaded, problems);
        using var workflow = TrainingWorkflow.Build(loaded, services, problems, resume);
        workflow.Check(problems);
        problems.ThrowIfErrors();
        ProblemPrinter.Print(output, problems.Items);

        var settings = workflow.Settings;
        if (workflow.NothingToDo() is { } nothing)
        {
            output.WriteLine(nothing);
            return ExitCodes.Success;
        }
        var rankSettings = TrainingWorkflow.ForRanks(settings, ranks);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {workflow.NetworkName} for {settings.Epochs} epoch(s), learning rate {settings.LearningRate}, seed {settings.Seed}, " +
            $"{TrainingDevices.Describe(settings.ComputeType, rankSettings.Devices)}{(ranks.Size > 1 ? $" on each of {ranks.Size} MPI ranks (data parallel; the global batch is {ranks.Size} × the pipeline's batch size)" : "")}; " +
            $"checkpoints in {settings.CheckpointDir}"));
        ranks.UseHeartbeats(Path.Combine(settings.CheckpointDir, ".ranks"));
        if (settings.Resume) output.WriteLine($"resuming from {Path.Combine(settings.CheckpointDir, SupervisedTrainer.FinalCheckpoint)}");
        else if (settings.InitialCheckpoint is { } initial) output.WriteLine($"fine-tuning: starting from the weights in {initial}");

        // Every run reports to the command's output (standing in for a StatsHandler the config lists), to training.log and to TensorBoard.
        // Only rank 0 reports and writes; the trainer gives the other ranks' handlers nothing, and they get none here.
        var hostHandlers = new List<ITrainingHandler>();
        if (ranks.IsRoot)
        {
            hostHandlers.Add(StatsHandler.WritingTo(output, interactive: ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected));
            hostHandlers.Add(new TrainingLogFileHandler(settings.CheckpointDir));
            hostHandlers.Add(new TensorBoardHandler(settings.CheckpointDir));
        }
        try
        {
            if (ranks.IsRoot)
                new OutputFolder(settings.CheckpointDir, KnownVariables.CheckpointDir)
                    .WriteAllText(TrainingWorkflow.ResolvedConfigFile, loaded.Root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            var result = workflow.Run(hostHandlers, ranks: ranks);
            output.WriteLine(Closing(result, workflow.KeyMetric?.Name, Path.Combine(settings.CheckpointDir, SupervisedTrainer.FinalCheckpoint)));
        }
        finally
        {
            foreach (var handler in hostHandlers) (handler as IDisposable)?.Dispose();
        }
        return ExitCodes.Success;
    }

    private static string Closing(TrainingResult result, string? keyMetric, string finalCheckpoint)
    {
        var best = result.BestEpoch > 0
            ? string.Create(CultureInfo.InvariantCulture, $"done: best {keyMetric} {result.BestMetric:0.0000} at epoch {result.BestEpoch}")
            : "done: no validation ran";
        return result.BestModel switch
        {
            BestModelOutcome.Written => $"{best}; {result.BestModelPath}",
            BestModelOutcome.ReplacedEarlier =>
                $"{best}; {result.BestModelPath} (the model an earlier run left there is kept as {SupervisedTrainer.PreviousCheckpoint})",
            BestModelOutcome.Unvalidated => $"{best}; {result.BestModelPath} holds the final weights, judged by no metric",
            _ => result.BestEpoch > 0
                ? $"{best} of an earlier part of this run; {result.BestModelPath} unchanged, final weights in {finalCheckpoint}"
                : $"{best}; {result.BestModelPath} left unchanged (no metric judged this run's weights); final weights in {finalCheckpoint}",
        };
    }
}
