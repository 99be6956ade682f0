using Pipeline.Components;

namespace Pipeline.Configuration.Documents;

/// <summary>The single table of which config keys hold components and of which <see cref="ComponentKind"/> (catalog §3.2–§3.4).</summary>
public static class ConfigSections
{
    /// <summary>The training section of <c>config_train.json</c>.</summary>
    public const string Train = "train";
    /// <summary>The validation section of <c>config_train.json</c>.</summary>
    public const string Validate = "validate";

    /// <summary>Every section, in the order Clara builds them within each parent.</summary>
    public static readonly IReadOnlyList<SectionRule> All =
    [
        new(ConfigKind.Train, Train, "loss", ComponentKind.Loss, IsList: false, Required: true, "the training loss"),
        new(ConfigKind.Train, Train, "optimizer", ComponentKind.Optimizer, IsList: false, Required: false, "the optimizer"),
        new(ConfigKind.Train, Train, "lr_policy", ComponentKind.LrPolicy, IsList: false, Required: false, "the learning-rate policy"),
        new(ConfigKind.Train, Train, "model", ComponentKind.Model, IsList: false, Required: true, "the network"),
        new(ConfigKind.Train, Train, "pre_transforms", ComponentKind.Transform, IsList: true, Required: false, "per-sample transforms"),
        new(ConfigKind.Train, Train, "batch_transforms", ComponentKind.Transform, IsList: true, Required: false, "per-batch transforms"),
        new(ConfigKind.Train, Train, "image_pipeline", ComponentKind.ImagePipeline, IsList: false, Required: true, "the training data pipeline"),
        new(ConfigKind.Train, Train, "aux_ops", ComponentKind.AuxOp, IsList: true, Required: false, "auxiliary ops"),
        new(ConfigKind.Train, Train, "handlers", ComponentKind.Handler, IsList: true, Required: false, "training event handlers"),

        new(ConfigKind.Train, Validate, "metrics", ComponentKind.Metric, IsList: true, Required: false, "validation metrics"),
        new(ConfigKind.Train, Validate, "pre_transforms", ComponentKind.Transform, IsList: true, Required: false, "validation transforms"),
        new(ConfigKind.Train, Validate, "image_pipeline", ComponentKind.ImagePipeline, IsList: false, Required: true, "the validation data pipeline"),
        new(ConfigKind.Train, Validate, "inferer", ComponentKind.Inferer, IsList: false, Required: true, "the validation inferer"),

        new(ConfigKind.Validation, "", "inferer", ComponentKind.Inferer, IsList: false, Required: true, "the inferer"),
        new(ConfigKind.Validation, "", "model_loader", ComponentKind.ModelLoader, IsList: false, Required: true, "the model loader"),
        new(ConfigKind.Validation, "", "pre_transforms", ComponentKind.Transform, IsList: true, Required: false, "image transforms"),
        new(ConfigKind.Validation, "", "post_transforms", ComponentKind.Transform, IsList: true, Required: false, "prediction transforms"),
        new(ConfigKind.Validation, "", "label_transforms", ComponentKind.Transform, IsList: true, Required: false, "label transforms"),
        new(ConfigKind.Validation, "", "val_metrics", ComponentKind.Metric, IsList: true, Required: false, "evaluation metrics"),
        new(ConfigKind.Validation, "", "writers", ComponentKind.Writer, IsList: true, Required: false, "result writers"),
    ];

    /// <summary>The objects that hold sections, in the order they are read (refs may only point backwards in this order).</summary>
    public static IReadOnlyList<string> Parents(ConfigKind kind) => kind == ConfigKind.Train ? [Train, Validate] : [""];

    /// <summary>The sections of one parent.</summary>
    public static IEnumerable<SectionRule> In(ConfigKind kind, string parent)
        => All.Where(r => r.Config == kind && r.Parent == parent);

    /// <summary>The rule for <paramref name="key"/> inside <paramref name="parent"/>; null when the key is not a section.</summary>
    public static SectionRule? Find(ConfigKind kind, string parent, string key)
        => All.FirstOrDefault(r => r.Config == kind && r.Parent == parent && r.Key == key);

    /// <summary>True when a top-level key holds components (or section objects) and so is never a variable.</summary>
    public static bool IsTopLevelSection(ConfigKind kind, string key)
        => (kind == ConfigKind.Train && key is Train or Validate) || Find(kind, "", key) is not null;
}
