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
    private readonly List<object> _owned = [];
    private readonly List<BuiltStep> _pre = [];
    private readonly List<BuiltStep> _post = [];
    private readonly List<BuiltStep> _label = [];
    private readonly List<BuiltStep> _metrics = [];
    private BuiltStep? _loader;
    private BuiltStep? _inferer;

    private EvaluationWorkflow(MmarConfig config) => Config = config;

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
        var workflow = new EvaluationWorkflow(config);
        try
        {
            var factory = services.GetRequiredService<ComponentFactory>();
            foreach (var missing in config.MissingRequiredSections())
                problems.Error(config.File, missing.JsonPath, $"evaluation needs {missing.Meaning}");
            workflow._loader = workflow.Single<IModelLoader>(factory, "model_loader", problems);
            workflow._inferer = workflow.Single<IInferer>(factory, "inferer", problems);
            workflow.Chain<ITransform>(factory, "pre_transforms", workflow._pre, problems);
            workflow.Chain<ITransform>(factory, "post_transforms", workflow._post, problems);
            workflow.Chain<ITransform>(factory, "label_transforms", workflow._label, problems);
            workflow.Chain<IMetric>(factory, "val_metrics", workflow._metrics, problems);
            var writers = new List<BuiltStep>();
            workflow.Chain<IEvalWriter>(factory, "writers", writers, problems);
            workflow.Writers = [.. writers.Select(s => (IEvalWriter)s.Component)];
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
        InputContract? contract = null;
        var network = "the network";
        if (_loader is { Component: IModelLoader { Source: { } source } } loader)
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
                    NetworkSpec spec;
                    (spec, contract, _) = CheckpointFile.ReadDescription(source.File);
                    network = $"{spec.Name} (checkpoint {source.File})";
                }
                catch (Exception e) when (e is CheckpointFormatException or IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    problems.Error(file, arg, $"{source.File} is not a readable checkpoint: {e.Message}");
                }
            }
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
            if (doValidation)
            {
                FieldFlowCheck.Chain(file, _label, available, problems);
                FieldFlowCheck.Metrics(file, _metrics, available, "the datalist, the inferer ('model') or an earlier transform", problems);
            }
            if (datalistFile is not null) DatalistCheck.Run(datalistFile, items, _pre, contract, network, problems);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var component in _owned) (component as IDisposable)?.Dispose();
        _owned.Clear();
    }

    private BuiltStep? Single<T>(ComponentFactory factory, string path, ConfigProblems problems) where T : class
    {
        if (Config.Component(path) is not { Disabled: false } spec || factory.Create<T>(spec, problems) is not { } component) return null;
        _owned.Add(component);
        return new BuiltStep(spec, component);
    }

    private void Chain<T>(ComponentFactory factory, string path, List<BuiltStep> steps, ConfigProblems problems) where T : class
    {
        foreach (var spec in Config.Components(path).Where(s => !s.Disabled))
        {
            if (factory.Create<T>(spec, problems) is not { } component) continue;
            _owned.Add(component);
            steps.Add(new BuiltStep(spec, component));
        }
    }
}
