using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Training;
using Pipeline.Workflows.Checks;
using Pipeline.Workflows.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>
/// A training run built from config_train.json: the one place its components are wired, for <c>mmar train</c>, <c>mmar check</c> and
/// the benchmarks alike. <see cref="Check"/> judges the built objects before anything runs; the workflow disposes what it built.
/// </summary>
public sealed class TrainingWorkflow : IDisposable
{
    private readonly List<object> _owned = [];
    private readonly List<BuiltStep> _trainChain = [];
    private readonly List<BuiltStep> _validationChain = [];
    private readonly List<BuiltStep> _metrics = [];
    private BuiltStep? _model;
    private BuiltStep? _inferer;
    private IImagePipeline? _trainPipeline;
    private IImagePipeline? _validationPipeline;
    private SizeArg? _trainingCrop;

    private TrainingWorkflow(MmarConfig config) => Config = config;

    /// <summary>The config it was built from.</summary>
    public MmarConfig Config { get; }

    /// <summary>The components; null when building reported errors.</summary>
    public TrainingSetup? Setup { get; private set; }

    /// <summary>The loop's settings from the config's globals.</summary>
    public TrainingSettings Settings { get; private set; } = null!;

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
        var workflow = new TrainingWorkflow(config);
        try
        {
            workflow.BuildComponents(services.GetRequiredService<ComponentFactory>(), problems, resume);
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
        var network = modelSpec is null ? null : Own(CreateNetwork(factory, modelSpec, problems));
        if (network is not null) _model = new BuiltStep(modelSpec!, network);
        var loss = Single<ILoss>(factory, "train.loss", problems);
        var optimizer = Single<IOptimizerFactory>(factory, "train.optimizer", problems);
        if (optimizer is null && Config.Component("train.optimizer") is null)
            problems.Error(Config.File, "train.optimizer", "training needs an optimizer, e.g. {\"name\": \"Adam\"}");
        var lrPolicy = Single<ILrPolicy>(factory, "train.lr_policy", problems);
        var trainChain = Chain<ITransform>(factory, "train.pre_transforms", _trainChain, problems);
        var batchTransforms = Chain<IBatchTransform>(factory, "train.batch_transforms", [], problems);
        _trainPipeline = Single<IImagePipeline>(factory, "train.image_pipeline", problems);
        _validationPipeline = Single<IImagePipeline>(factory, "validate.image_pipeline", problems);
        var validationChain = Chain<ITransform>(factory, "validate.pre_transforms", _validationChain, problems);
        var inferer = Single<IInferer>(factory, "validate.inferer", problems);
        if (inferer is not null) _inferer = new BuiltStep(Config.Component("validate.inferer")!, inferer);
        var metrics = Chain<IMetric>(factory, "validate.metrics", _metrics, problems);
        var auxOps = Chain<IAuxOp>(factory, "train.aux_ops", [], problems);
        var handlers = Chain<ITrainingHandler>(factory, "train.handlers", [], problems);

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
            new TransformChain(trainChain), batchTransforms, _trainPipeline,
            _validationPipeline is null ? null : new TransformChain(validationChain), _validationPipeline?.ForValidation(), inferer, metrics)
        {
            AuxOps = auxOps,
            Handlers = handlers,
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
            InputContractCheck.Inferer(file, NetworkName, contract, dynamic, _trainingCrop, _inferer, InputContractCheck.LastCrop(_validationChain), problems);
        }

        var trainFields = StartFields(_trainPipeline);
        if (trainFields is not null) FieldFlowCheck.Chain(file, _trainChain, trainFields, problems);
        var validationFields = StartFields(_validationPipeline);
        if (validationFields is not null) FieldFlowCheck.Chain(file, _validationChain, validationFields, problems);
        // Validation hands the metrics the prediction, the label and every aux op's tags computed on that prediction.
        var metricFields = new HashSet<string>(StringComparer.Ordinal) { "model", "label" };
        foreach (var op in Setup?.AuxOps ?? []) metricFields.UnionWith(op.Tags);
        FieldFlowCheck.Metrics(file, _metrics, metricFields, "validation (the prediction 'model', the 'label', and the tags of train.aux_ops)", problems);

        if (_trainPipeline is SegmentationImagePipeline train) DatalistCheck.Run(train.DataListFile, train.Items, _trainChain, contract, NetworkName, problems);
        if (_validationPipeline is SegmentationImagePipeline validation)
            DatalistCheck.Run(validation.DataListFile, validation.Items, _validationChain, contract, NetworkName, problems);
    }

    private static HashSet<string>? StartFields(IImagePipeline? pipeline) =>
        pipeline is SegmentationImagePipeline { Items.Count: > 0 } p
            ? p.Items.Select(i => i.Files.Keys.Concat(i.ValueFields).ToHashSet(StringComparer.Ordinal)).Aggregate((a, b) => { a.IntersectWith(b); return a; })
            : null;

    /// <summary>Runs the training loop with the config's handlers and <paramref name="hostHandlers"/>; returns the best key metric and its epoch.</summary>
    public (double BestMetric, int BestEpoch) Run(IReadOnlyList<ITrainingHandler> hostHandlers, CancellationToken cancellation = default)
    {
        var setup = Setup ?? throw new InvalidOperationException("the workflow has configuration errors; check them before running");
        return new SupervisedTrainer(setup with { Handlers = [.. setup.Handlers, .. hostHandlers] }, Settings).Run(cancellation);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var component in _owned) (component as IDisposable)?.Dispose();
        _owned.Clear();
    }

    private T? Own<T>(T? component) where T : class
    {
        if (component is not null) _owned.Add(component);
        return component;
    }

    private T? Single<T>(ComponentFactory factory, string path, ConfigProblems problems) where T : class =>
        Config.Component(path) is { Disabled: false } spec ? Own(factory.Create<T>(spec, problems)) : null;

    private List<T> Chain<T>(ComponentFactory factory, string path, List<BuiltStep> steps, ConfigProblems problems) where T : class
    {
        var built = new List<T>();
        foreach (var spec in Config.Components(path).Where(s => !s.Disabled))
        {
            if (Own(factory.Create<T>(spec, problems)) is not { } component) continue;
            built.Add(component);
            steps.Add(new BuiltStep(spec, component));
        }
        return built;
    }

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
