using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Training;
using Pipeline.Workflows.Checks;
using Pipeline.Workflows.Distributed;
using Pipeline.Workflows.Handlers;
using Pipeline.Workflows.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>
/// A training run built from config_train.json: the one place its components are wired, for <c>mmar train</c>, <c>mmar check</c> and
/// <c>mmar preview</c> alike. <see cref="Check"/> judges the built objects before anything runs; the workflow disposes what it built.
/// </summary>
public sealed class TrainingWorkflow : IDisposable
{
    /// <summary>The config as the run resolved it (variables substituted), written beside the checkpoints.</summary>
    public const string ResolvedConfigFile = "config_train.resolved.json";

    private readonly ComponentBuilder _components;
    private List<BuiltStep> _trainChain = [];
    private List<BuiltStep> _validationChain = [];
    private List<BuiltStep> _metrics = [];
    private BuiltStep? _model;
    private BuiltStep? _inferer;
    private IImagePipeline? _trainPipeline;
    private IImagePipeline? _validationPipeline;
    private SizeArg? _trainingCrop;

    private TrainingWorkflow(MmarConfig config, ComponentFactory factory)
    {
        Config = config;
        _components = new ComponentBuilder(config, factory);
    }

    /// <summary>The config it was built from.</summary>
    public MmarConfig Config { get; }

    /// <summary>The components; null when building reported errors.</summary>
    public TrainingSetup? Setup { get; private set; }

    /// <summary>The loop's settings from the config's globals.</summary>
    public TrainingSettings Settings { get; private set; } = null!;

    /// <summary><c>train.pre_transforms</c> as built, also when other sections failed to build.</summary>
    public TransformChain TrainChain => new(Components<ITransform>(_trainChain));

    /// <summary><c>validate.pre_transforms</c> as built, also when other sections failed to build.</summary>
    public TransformChain ValidationChain => new(Components<ITransform>(_validationChain));

    /// <summary>The network's name as the config gives it.</summary>
    public string NetworkName => _model?.Spec.DisplayName ?? "the network";

    /// <summary>The metric that picks the best model; null without validation metrics.</summary>
    public IMetric? KeyMetric => Setup?.Metrics.FirstOrDefault(m => m.IsKeyMetric) ?? Setup?.Metrics.FirstOrDefault();

    /// <summary>Builds every component of <paramref name="config"/> through <paramref name="services"/>' registry; every problem goes to <paramref name="problems"/>.</summary>
    /// <param name="config">A loaded training config.</param>
    /// <param name="services">The registry and its services (built-in and plugin components).</param>
    /// <param name="problems">Receives every problem; when it holds errors afterwards, <see cref="Setup"/> is null.</param>
    /// <param name="resume">The run continues <see cref="SupervisedTrainer.FinalCheckpoint"/> (<c>--resume</c>).</param>
    public static TrainingWorkflow Build(MmarConfig config, IServiceProvider services, ConfigProblems problems, bool resume = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(problems);
        var factory = services.GetRequiredService<ComponentFactory>();
        var workflow = new TrainingWorkflow(config, factory);
        try
        {
            workflow.BuildComponents(factory, problems, resume);
        }
        catch
        {
            workflow.Dispose();
            throw;
        }
        return workflow;
    }

    private void BuildComponents(ComponentFactory factory, ConfigProblems problems, bool resume)
    {
        var errorsBefore = problems.ErrorCount;
        foreach (var missing in Config.MissingRequiredSections())
            problems.Error(Config.File, missing.JsonPath, $"training needs {missing.Meaning}");

        // The run seed fixes the network's initial weights too, so it is set before anything is built.
        var seed = TrainingGlobals.Seed(Config, problems);
        manual_seed(seed);
        var modelSpec = Config.Component("train.model");
        var network = modelSpec is null ? null : _components.Own(CreateNetwork(factory, modelSpec, problems));
        if (network is not null) _model = new BuiltStep(modelSpec!, network);
        var loss = _components.Single<ILoss>("train.loss", problems)?.Component as ILoss;
        var optimizer = _components.Single<IOptimizerFactory>("train.optimizer", problems)?.Component as IOptimizerFactory;
        if (optimizer is null && Config.Component("train.optimizer") is null)
            problems.Error(Config.File, "train.optimizer", "training needs an optimizer, e.g. {\"name\": \"Adam\"}");
        var lrPolicy = _components.Single<ILrPolicy>("train.lr_policy", problems)?.Component as ILrPolicy;
        _trainChain = _components.Chain<ITransform>("train.pre_transforms", problems);
        var batchTransforms = _components.Chain<IBatchTransform>("train.batch_transforms", problems);
        _trainPipeline = _components.Single<IImagePipeline>("train.image_pipeline", problems)?.Component as IImagePipeline;
        _validationPipeline = _components.Single<IImagePipeline>("validate.image_pipeline", problems)?.Component as IImagePipeline;
        _validationChain = _components.Chain<ITransform>("validate.pre_transforms", problems);
        _inferer = _components.Single<IInferer>("validate.inferer", problems);
        _metrics = _components.Chain<IMetric>("validate.metrics", problems);
        var auxOps = _components.Chain<IAuxOp>("train.aux_ops", problems);
        var handlers = _components.Chain<ITrainingHandler>("train.handlers", problems);

        Settings = TrainingGlobals.Read(Config, optimizer?.LearningRate, seed, problems) with
        {
            Resume = resume,
            InitialCheckpoint = FineTuneCheckpoint(problems),
        };

        // A fixed-shape network is built for the training crop (Clara's static graph).
        _trainingCrop = _trainPipeline is SegmentationImagePipeline { CropSize: var crop } && crop.All(c => c > 0)
            ? new SizeArg(crop, JsonPaths.Property(JsonPaths.Property(Config.Component("train.image_pipeline")!.JsonPath, "args"), "output_crop_size"))
            : InputContractCheck.LastCrop(_trainChain);
        IReadOnlyList<int>? fixedCrop = null;
        if (network is IFixedShapeNetwork fixedShape && _trainingCrop is { } c && c.Size.Count == fixedShape.InputContract.SpatialDims &&
            c.Size.All(s => s > 0) && fixedShape.InputContract.ExplainSize(c.Size) is null)
        {
            fixedCrop = c.Size;
            fixedShape.RecordInputShape(fixedCrop);
        }

        if (problems.ErrorCount > errorsBefore || network is null || loss is null || optimizer is null || _trainPipeline is null) return;
        Setup = new TrainingSetup(network, new NetworkSpec(modelSpec!.Path ?? modelSpec.Name ?? "", modelSpec.Args), loss, optimizer, lrPolicy,
            new TransformChain(Components<ITransform>(_trainChain)), Components<IBatchTransform>(batchTransforms), _trainPipeline,
            _validationPipeline is null ? null : new TransformChain(Components<ITransform>(_validationChain)), _validationPipeline?.ForValidation(),
            _inferer?.Component as IInferer, Components<IMetric>(_metrics))
        {
            AuxOps = Components<IAuxOp>(auxOps),
            Handlers = Components<ITrainingHandler>(handlers),
            CreateReplica = () =>
            {
                var replicaProblems = new ConfigProblems();
                var replica = CreateNetwork(factory, modelSpec, replicaProblems) ?? throw new ConfigException(replicaProblems.Items);
                if (fixedCrop is not null) ((IFixedShapeNetwork)replica).RecordInputShape(fixedCrop);
                return replica;
            },
        };
    }

    /// <summary>
    /// Every static rule, judged on the built objects: the network's input contract against the training crop and the validation
    /// inferer, the fields each transform, metric and aux op reads against what the data list and earlier steps provide, and the
    /// data lists' files and first headers. <c>mmar check</c> and <c>mmar train</c> both run it, so they refuse the same things.
    /// </summary>
    public void Check(ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var file = Config.File;
        var contract = (_model?.Component as INetwork)?.InputContract;
        var dynamic = Config.Globals.Contains("dynamic_input_shape") && Config.Globals.GetBoolean("dynamic_input_shape", false);
        if (contract is not null)
        {
            InputContractCheck.Training(file, NetworkName, contract, dynamic, _trainingCrop, problems);
            if (_trainPipeline is SegmentationImagePipeline { ImageChannels: var channels } && channels != contract.InChannels)
                problems.Error(file, JsonPaths.Property(JsonPaths.Property(Config.Component("train.image_pipeline")!.JsonPath, "args"), "output_image_channels"),
                    $"found {channels}; {NetworkName} takes in_channels {contract.InChannels}, and every training image must have that many channels");
            InputContractCheck.Inferer(file, NetworkName, contract, dynamic, _trainingCrop, _inferer, InputContractCheck.LastCrop(_validationChain), problems);
        }

        // The chain's last crop makes every sample; the pipeline insists on its own output_crop_size.
        if (_trainPipeline is SegmentationImagePipeline { CropSize: var declared } && InputContractCheck.LastCrop(_trainChain) is { } chainCrop &&
            (chainCrop.Size.Count == 1 ? Enumerable.Repeat(chainCrop.Size[0], declared.Count).ToList() : chainCrop.Size) is var size &&
            (size.Count != declared.Count || size.Zip(declared).Any(p => p.Second > 0 && p.First != p.Second)))
            problems.Error(file, chainCrop.JsonPath,
                $"the crop [{chainCrop.Text}] differs from the training pipeline's output_crop_size [{string.Join(", ", declared)}]; every training sample must have that size");

        var trainFields = StartFields(_trainPipeline);
        if (trainFields is not null) FieldFlowCheck.Chain(file, _trainChain, trainFields, problems);
        var validationFields = StartFields(_validationPipeline);
        if (validationFields is not null) FieldFlowCheck.Chain(file, _validationChain, validationFields, problems);
        // Validation hands the metrics the prediction, the label and every aux op's tags computed on that prediction.
        var metricFields = new HashSet<string>(StringComparer.Ordinal) { "model", "label" };
        foreach (var op in Setup?.AuxOps ?? []) metricFields.UnionWith(op.Tags);
        FieldFlowCheck.Metrics(file, _metrics, metricFields, "validation (the prediction 'model', the 'label', and the tags of train.aux_ops)", problems);

        OutputCheck.Training(Config, RunOutput.For(Config), problems);
        if (_trainPipeline is SegmentationImagePipeline train) DatalistCheck.Run(train.DataListFile, train.Items, _trainChain, contract, NetworkName, problems);
        if (_validationPipeline is SegmentationImagePipeline validation)
            DatalistCheck.Run(validation.DataListFile, validation.Items, _validationChain, contract, NetworkName, problems);
    }

    private static HashSet<string>? StartFields(IImagePipeline? pipeline) =>
        pipeline is SegmentationImagePipeline { Items.Count: > 0 } p
            ? p.Items.Select(i => i.Files.Keys.Concat(i.ValueFields).ToHashSet(StringComparer.Ordinal)).Aggregate((a, b) => { a.IntersectWith(b); return a; })
            : null;

    /// <summary>
    /// For <c>--resume</c> of a run whose <c>model_final.ckpt</c> already holds every epoch: the message saying there is
    /// nothing to do (the run then writes nothing); null when there are epochs left, or when not resuming.
    /// </summary>
    public string? NothingToDo()
    {
        if (!Settings.Resume) return null;
        var path = Path.Combine(Settings.CheckpointDir, SupervisedTrainer.FinalCheckpoint);
        if (!File.Exists(path)) return null; // the trainer says there is nothing to resume from
        var (_, _, state) = CheckpointFile.ReadDescription(path);
        if (state is null) return null;
        var done = TrainingProgress.FromJson(state).EpochsDone;
        return done >= Settings.Epochs
            ? $"nothing to do: {path} already holds all {done} epoch(s) of a run of {Settings.Epochs}; the checkpoints are unchanged (raise 'epochs' with --set to train further)"
            : null;
    }

    /// <summary>Runs the training loop with the config's handlers and <paramref name="hostHandlers"/>, as one of <paramref name="ranks"/> when given (data-parallel training).</summary>
    public TrainingResult Run(IReadOnlyList<ITrainingHandler> hostHandlers, CancellationToken cancellation = default, IRankGroup? ranks = null)
    {
        ArgumentNullException.ThrowIfNull(hostHandlers);
        var setup = Setup ?? throw new InvalidOperationException("the workflow has configuration errors; check them before running");
        ranks ??= SingleProcess.Instance;
        // A host that shows statistics itself (on its own output) stands in for the config's StatsHandler, which would write to the process console.
        var configHandlers = hostHandlers.OfType<StatsHandler>().Any() ? setup.Handlers.Where(h => h is not StatsHandler) : setup.Handlers;
        var trainer = new SupervisedTrainer(setup with { Handlers = [.. configHandlers, .. hostHandlers] }, ForRanks(Settings, ranks), new DataParallelSync(ranks));
        var (best, bestEpoch) = trainer.Run(cancellation);
        return new TrainingResult(best, bestEpoch, trainer.BestModel, Path.Combine(Settings.CheckpointDir, SupervisedTrainer.BestCheckpoint));
    }

    /// <summary>
    /// The settings as one of several ranks runs them: with CUDA, each rank trains on one GPU of its machine (its local rank,
    /// as Clara's Horovod launch gives each worker one GPU); the ranks replace <c>multi_gpu</c>'s replicas.
    /// </summary>
    public static TrainingSettings ForRanks(TrainingSettings settings, IRankGroup ranks)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ranks);
        if (ranks.Size == 1 || !cuda.is_available()) return ranks.Size == 1 ? settings : settings with { Devices = [] };
        return settings with { Devices = [new Device(TorchSharp.DeviceType.CUDA, RankGroups.LocalRank() % cuda.device_count())] };
    }

    /// <inheritdoc />
    public void Dispose() => _components.Dispose();

    private static List<T> Components<T>(IEnumerable<BuiltStep> steps) => [.. steps.Select(s => (T)s.Component)];

    private static nn.Module<Tensor, Tensor>? CreateNetwork(ComponentFactory factory, ComponentSpec spec, ConfigProblems problems)
    {
        var created = factory.Create(spec, problems);
        if (created is nn.Module<Tensor, Tensor> module and INetwork) return module;
        if (created is null) return null;
        (created as IDisposable)?.Dispose();
        problems.Error(spec.File, spec.JsonPath, $"{spec.DisplayName} is not a segmentation network (a model taking one tensor and declaring its input contract)");
        return null;
    }

    // Clara's train_finetune.sh passes MMAR_CKPT with --set; a value that only environment.json holds is its default path, not a request.
    private string? FineTuneCheckpoint(ConfigProblems problems)
    {
        var given = Config.Overrides.LastOrDefault(o => o.Key == "MMAR_CKPT");
        if (given is null || Config.Paths.Checkpoint is not { } path) return null;
        if (File.Exists(path)) return path;
        problems.Error(Config.File, given.JsonPath, $"MMAR_CKPT names {path}, which does not exist; give the checkpoint to fine-tune from (e.g. models/model.ckpt of a trained MMAR)");
        return null;
    }
}
