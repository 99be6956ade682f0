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
using Pipeline.Workflows.Handlers;
using Pipeline.Workflows.Pipelines;
using Pipeline.Workflows.Training;

namespace Pipeline.Runner.Commands;

/// <summary><c>mmar train</c>: runs config_train.json — training with periodic validation, keeping the best and the last checkpoint.</summary>
public static class TrainCommand
{
    /// <summary>The resolved config_train.json (variables substituted) kept next to the checkpoints, so a run's exact settings stay with its models.</summary>
    public const string ResolvedConfigFile = "config_train.resolved.json";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new MmarOptions();
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the interrupted run from MMAR_CKPT_DIR/model_final.ckpt (weights, optimizer, learning-rate policy, RNG, epoch and best metric).",
        };
        var command = new Command("train",
            "Train the MMAR's network as config_train.json describes; the best model (key metric) is kept as MMAR_CKPT_DIR/model.ckpt. " +
            "--set MMAR_CKPT=path starts from a checkpoint's weights (fine-tuning).");
        options.AddTo(command);
        command.Add(resume);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () => Run(
            parse.GetValue(options.Mmar)!, parse.GetValue(options.Config), parse.GetValue(options.Environment)!,
            parse.GetValue(options.Set) ?? [], parse.GetValue(options.Plugins) ?? [], parse.InvocationConfiguration.Output, parse.GetValue(resume))));
        return command;
    }

    /// <summary>Trains; returns the exit code.</summary>
    public static int Run(string mmar, string? config, string environment, IReadOnlyList<string> set, IReadOnlyList<string> pluginDirs, TextWriter output,
        bool resume = false)
    {
        var loaded = MmarLoader.Load(new MmarLoadOptions
        {
            MmarRoot = mmar, ConfigFile = config ?? MmarLoadOptions.DefaultConfigFile, EnvironmentFile = environment, Set = set, Kind = ConfigKind.Train,
        });
        var problems = new ConfigProblems();
        var plugins = PluginCatalog.LoadForMmar(mmar, pluginDirs, problems);
        problems.ThrowIfErrors();
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, plugins, s => s.AddSingleton(loaded.Paths));
        var factory = services.GetRequiredService<ComponentFactory>();

        // The run seed fixes the network's initial weights too, so it is set before anything is built.
        var seed = (loaded.Globals.Get("determinism") as JsonObject)?["random_seed"] is JsonValue s && s.TryGetValue<long>(out var value) ? value : 0;
        TorchSharp.torch.manual_seed(seed);
        var modelSpec = Require(loaded, "train.model");
        var networkFactory = services.GetRequiredService<NetworkFactory>();
        var networkSpec = new NetworkSpec(modelSpec.Name ?? modelSpec.Path ?? "", modelSpec.Args);
        var network = networkFactory.Create(networkSpec, loaded.File, modelSpec.JsonPath);
        var loss = factory.Create<ILoss>(Require(loaded, "train.loss"), problems);
        var optimizerSpec = loaded.Component("train.optimizer");
        var optimizer = optimizerSpec is null ? null : factory.Create<IOptimizerFactory>(optimizerSpec, problems);
        var lrPolicySpec = loaded.Component("train.lr_policy");
        var lrPolicy = lrPolicySpec is null ? null : factory.Create<ILrPolicy>(lrPolicySpec, problems);
        var trainChain = new TransformChain(factory.CreateAll<ITransform>(loaded.Components("train.pre_transforms"), problems));
        var batchTransforms = factory.CreateAll<IBatchTransform>(loaded.Components("train.batch_transforms"), problems);
        var trainPipeline = factory.Create<IImagePipeline>(Require(loaded, "train.image_pipeline"), problems);
        var validationPipelineSpec = loaded.Component("validate.image_pipeline");
        var validationPipeline = validationPipelineSpec is null ? null : factory.Create<IImagePipeline>(validationPipelineSpec, problems);
        var validationChain = new TransformChain(factory.CreateAll<ITransform>(loaded.Components("validate.pre_transforms"), problems));
        var infererSpec = loaded.Component("validate.inferer");
        var inferer = infererSpec is null ? null : factory.Create<IInferer>(infererSpec, problems);
        var metrics = factory.CreateAll<IMetric>(loaded.Components("validate.metrics"), problems);
        var auxOps = factory.CreateAll<IAuxOp>(loaded.Components("train.aux_ops"), problems);
        var handlers = factory.CreateAll<ITrainingHandler>(loaded.Components("train.handlers"), problems);
        problems.ThrowIfErrors();
        if (optimizer is null) throw new ConfigException(loaded.File, "train.optimizer", "training needs an optimizer, e.g. {\"name\": \"Adam\"}");

        // A fixed-shape network is built for the training crop (Clara's static graph).
        IReadOnlyList<int>? fixedCrop = network is IFixedShapeNetwork && trainPipeline is SegmentationImagePipeline { CropSize: var crop } && crop.All(c => c > 0) ? crop : null;
        if (fixedCrop is not null) ((IFixedShapeNetwork)network).RecordInputShape(fixedCrop);

        var learningRate = loaded.Globals.Contains("learning_rate") ? loaded.Globals.GetNumber("learning_rate", 1e-4) : optimizer.LearningRate ?? 1e-4;
        var settings = new TrainingSettings(
            (int)loaded.Globals.GetInteger("epochs", 1),
            (int)loaded.Globals.GetInteger("num_training_epoch_per_valid", 1),
            learningRate,
            seed,
            loaded.Paths.CheckpointDir ?? Path.Combine(loaded.MmarRoot, "models"))
        {
            SummaryInterval = (int)loaded.Globals.GetInteger("train_summary_recording_interval", 0),
            ComputeType = TrainingDevices.ComputeType(loaded.Globals.GetBoolean("use_amp", false)),
            Devices = TrainingDevices.Replicas(loaded.Globals.GetBoolean("multi_gpu", false), loaded.File),
            Resume = resume,
            InitialCheckpoint = FineTuneCheckpoint(loaded),
        };
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {modelSpec.DisplayName} for {settings.Epochs} epoch(s), learning rate {settings.LearningRate}, seed {settings.Seed}, " +
            $"{TrainingDevices.Describe(settings.ComputeType, settings.Devices)}; checkpoints in {settings.CheckpointDir}"));
        if (settings.Resume) output.WriteLine($"resuming from {Path.Combine(settings.CheckpointDir, SupervisedTrainer.FinalCheckpoint)}");
        else if (settings.InitialCheckpoint is { } initial) output.WriteLine($"fine-tuning: starting from the weights in {initial}");

        // Every run reports to the console (unless the config lists its own StatsHandler), to training.log and to TensorBoard.
        var hostHandlers = new List<ITrainingHandler>();
        if (!handlers.OfType<StatsHandler>().Any())
            hostHandlers.Add(StatsHandler.WritingTo(output, interactive: ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected));
        hostHandlers.Add(new TrainingLogFileHandler(settings.CheckpointDir));
        hostHandlers.Add(new TensorBoardHandler(settings.CheckpointDir));
        Directory.CreateDirectory(settings.CheckpointDir);
        AtomicFile.WriteAllText(Path.Combine(settings.CheckpointDir, ResolvedConfigFile), loaded.Root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var setup = new TrainingSetup(network, new NetworkSpec(modelSpec.Name ?? "", modelSpec.Args), loss!, optimizer, lrPolicy, trainChain, batchTransforms,
            trainPipeline!, validationPipeline is null ? null : validationChain, validationPipeline, inferer, metrics)
        {
            AuxOps = auxOps,
            Handlers = [.. handlers, .. hostHandlers],
            CreateReplica = () =>
            {
                var replica = networkFactory.Create(networkSpec, loaded.File, modelSpec.JsonPath);
                if (fixedCrop is not null) ((IFixedShapeNetwork)replica).RecordInputShape(fixedCrop);
                return replica;
            },
        };
        try
        {
            var (best, bestEpoch) = new SupervisedTrainer(setup, settings).Run();
            output.WriteLine(bestEpoch > 0
                ? string.Create(CultureInfo.InvariantCulture, $"done: best {metrics.First(m => m.IsKeyMetric || m == metrics[0]).Name} {best:0.0000} at epoch {bestEpoch}; {Path.Combine(settings.CheckpointDir, SupervisedTrainer.BestCheckpoint)}")
                : $"done: no validation ran; last model in {Path.Combine(settings.CheckpointDir, SupervisedTrainer.BestCheckpoint)}");
        }
        finally
        {
            network.Dispose();
            foreach (var component in new object?[] { loss, optimizer, lrPolicy, trainPipeline, validationPipeline, inferer }
                         .Concat(trainChain.Transforms).Concat(validationChain.Transforms).Concat(auxOps).Concat(handlers).Concat(hostHandlers))
                (component as IDisposable)?.Dispose();
        }
        return ExitCodes.Success;
    }

    // Clara's train_finetune.sh passes MMAR_CKPT with --set; a value that only environment.json holds is its default path, not a request.
    private static string? FineTuneCheckpoint(MmarConfig loaded)
    {
        var given = loaded.Overrides.LastOrDefault(o => o.Key == "MMAR_CKPT");
        if (given is null || loaded.Paths.Checkpoint is not { } path) return null;
        if (!File.Exists(path))
            throw new ConfigException(loaded.File, given.JsonPath, $"MMAR_CKPT names {path}, which does not exist; give the checkpoint to fine-tune from (e.g. models/model.ckpt of a trained MMAR)");
        return path;
    }

    private static ComponentSpec Require(MmarConfig config, string path) =>
        config.Component(path) ?? throw new ConfigException(config.File, path, $"training needs {path}");
}
