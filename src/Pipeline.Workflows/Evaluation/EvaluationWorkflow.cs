using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Evaluation;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Training;
using Pipeline.Workflows.Checks;

namespace Pipeline.Workflows.Evaluation;

/// <summary>
/// An evaluation built from config_validation.json: the one place its components are wired, for <c>mmar validate</c>, <c>mmar infer</c>
/// and <c>mmar check</c>. <see cref="Check"/> judges the built objects and the checkpoint before anything runs; the workflow disposes what it built.
/// </summary>
public sealed class EvaluationWorkflow : IDisposable
{
    private readonly ComponentBuilder _components;
    private List<BuiltStep> _pre = [];
    private List<BuiltStep> _post = [];
    private List<BuiltStep> _label = [];
    private List<BuiltStep> _metrics = [];
    private List<BuiltStep> _writers = [];
    private BuiltStep? _loader;
    private BuiltStep? _inferer;

    private EvaluationWorkflow(MmarConfig config, ComponentFactory factory)
    {
        Config = config;
        _components = new ComponentBuilder(config, factory);
    }

    /// <summary>The config it was built from.</summary>
    public MmarConfig Config { get; }

    /// <summary>The <c>model_loader</c>; null when it could not be built.</summary>
    public IModelLoader? Loader => _loader?.Component as IModelLoader;

    /// <summary>The <c>model_loader</c>'s name as the config gives it.</summary>
    public string LoaderName => _loader?.Spec.DisplayName ?? "the model loader";

    /// <summary>The <c>inferer</c>.</summary>
    public IInferer? Inferer => _inferer?.Component as IInferer;

    /// <summary><c>pre_transforms</c>.</summary>
    public TransformChain PreTransforms => new([.. _pre.Select(s => (ITransform)s.Component)]);

    /// <summary><c>post_transforms</c>.</summary>
    public TransformChain PostTransforms => new([.. _post.Select(s => (ITransform)s.Component)]);

    /// <summary><c>label_transforms</c>.</summary>
    public TransformChain LabelTransforms => new([.. _label.Select(s => (ITransform)s.Component)]);

    /// <summary><c>val_metrics</c>.</summary>
    public IReadOnlyList<IMetric> Metrics => [.. _metrics.Select(s => (IMetric)s.Component)];

    /// <summary><c>writers</c>.</summary>
    public IReadOnlyList<IEvalWriter> Writers { get; private set; } = [];

    /// <summary>Builds every component of <paramref name="config"/> through <paramref name="services"/>' registry; every problem goes to <paramref name="problems"/>.</summary>
    public static EvaluationWorkflow Build(MmarConfig config, IServiceProvider services, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(problems);
        var workflow = new EvaluationWorkflow(config, services.GetRequiredService<ComponentFactory>());
        try
        {
            foreach (var missing in config.MissingRequiredSections())
                problems.Error(config.File, missing.JsonPath, $"evaluation needs {missing.Meaning}");
            var components = workflow._components;
            workflow._loader = components.Single<IModelLoader>("model_loader", problems);
            workflow._inferer = components.Single<IInferer>("inferer", problems);
            workflow._pre = components.Chain<ITransform>("pre_transforms", problems);
            workflow._post = components.Chain<ITransform>("post_transforms", problems);
            workflow._label = components.Chain<ITransform>("label_transforms", problems);
            workflow._metrics = components.Chain<IMetric>("val_metrics", problems);
            workflow._writers = components.Chain<IEvalWriter>("writers", problems);
            workflow.Writers = [.. workflow._writers.Select(s => (IEvalWriter)s.Component)];
        }
        catch
        {
            workflow.Dispose();
            throw;
        }
        return workflow;
    }

    /// <summary>
    /// Every static rule, judged on the built objects: the checkpoint the loader will open exists and describes a network, whose input
    /// contract the inferer's windows fit; every field a transform or metric reads is provided; the data list's files exist and its
    /// first image fits the network. <paramref name="items"/> are the inputs the run will read (null when they are not known yet).
    /// </summary>
    public void Check(ConfigProblems problems, string? datalistFile, IReadOnlyList<DatalistItem>? items, bool doValidation)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var file = Config.File;
        var writesResults = Config.Globals.GetBoolean("output_infer_result", true);
        InputContract? contract = null;
        var network = "the network";
        if (_loader is { Component: IModelLoader { Source: { } source } modelLoader } loader)
        {
            var arg = JsonPaths.Property(JsonPaths.Property(loader.Spec.JsonPath, "args"), source.Arg);
            if (Directory.Exists(source.File))
                problems.Error(file, arg, $"{source.File} is a folder, not a checkpoint file");
            else if (!File.Exists(source.File))
                problems.Error(file, arg, $"{source.File}: the checkpoint does not exist; train first (mmar train) or import weights (mmar import-weights)");
            else
            {
                try
                {
                    if (modelLoader.Describe() is { } description)
                    {
                        contract = description.Contract;
                        network = $"{description.Network.Name} ({source.File})";
                    }
                }
                catch (Exception e) when (e is CheckpointFormatException or IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    problems.Error(file, arg, $"{source.File} is not a readable model: {e.Message}");
                }
            }
        }
        if (_loader is { Component: IModelLoader runner } built && runner.Unavailable() is { } unavailable)
        {
            var arg = JsonPaths.Property(JsonPaths.Property(built.Spec.JsonPath, "args"), unavailable.Arg);
            problems.Error(file, unavailable.Index is { } index ? JsonPaths.Index(arg, index) : arg, unavailable.Reason);
        }
        if (contract is not null)
            InputContractCheck.Inferer(file, network, contract, dynamic: true, trainingCrop: null, _inferer, InputContractCheck.LastCrop(_pre), problems);

        if (items is { Count: > 0 })
        {
            var available = items.Select(i => i.Files.Keys.Concat(i.ValueFields).ToHashSet(StringComparer.Ordinal))
                .Aggregate((a, b) => { a.IntersectWith(b); return a; });
            FieldFlowCheck.Chain(file, _pre, available, problems);
            available.Add("model");
            FieldFlowCheck.Chain(file, _post, available, problems);
            if (writesResults) FieldFlowCheck.Chain(file, _writers, new HashSet<string>(available), problems);
            if (doValidation)
            {
                FieldFlowCheck.Chain(file, _label, available, problems);
                FieldFlowCheck.Metrics(file, _metrics, available, "the datalist, the inferer ('model') or an earlier transform", problems);
            }
            if (datalistFile is not null) DatalistCheck.Run(datalistFile, items, _pre, contract, network, problems);
        }
        if (writesResults) DicomSourceCheck.Writers(file, _writers, _pre, datalistFile, items, problems);
        OutputCheck.Evaluation(Config, RunOutput.For(Config), _metrics, writesResults ? Writers : [], items, problems);
    }

    /// <summary>The inputs an evaluation reads from the data list: list <c>DATA_LIST_KEY</c> of <c>DATASET_JSON</c>; problems go to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<DatalistItem> DatalistInputs(MmarConfig config, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(problems);
        if (config.Paths.DatasetJson is { } datalist) return Datalist.Load(datalist, config.Paths.DataRoot ?? config.MmarRoot, config.DataListKey, problems);
        problems.Error(config.EnvironmentFile, KnownVariables.DatasetJson,
            "evaluation reads its inputs from the data list DATASET_JSON names; define it (or pass --input to mmar infer)");
        return [];
    }

    /// <inheritdoc />
    public void Dispose() => _components.Dispose();
}
