namespace Pipeline.Configuration.Documents;

/// <summary>The top-level keys Clara 3.1 reads from each config kind (catalog §3.1, §3.4).</summary>
public static class KnownGlobals
{
    /// <summary>Every known global.</summary>
    public static readonly IReadOnlyList<GlobalRule> All =
    [
        new(ConfigKind.Train, "epochs", ValueShape.Integer, "number of training epochs"),
        new(ConfigKind.Train, "num_training_epoch_per_valid", ValueShape.Integer, "validate every N epochs"),
        new(ConfigKind.Train, "learning_rate", ValueShape.Number, "initial learning rate"),
        new(ConfigKind.Train, "multi_gpu", ValueShape.Boolean, "data-parallel training"),
        new(ConfigKind.Train, "dynamic_input_shape", ValueShape.Boolean, "unknown spatial dims at build time"),
        new(ConfigKind.Train, "use_amp", ValueShape.Boolean, "automatic mixed precision"),
        new(ConfigKind.Train, "determinism", ValueShape.Object, "random seeds"),
        new(ConfigKind.Train, "train_summary_recording_interval", ValueShape.Integer, "steps between summary writes"),
        new(ConfigKind.Train, "use_scanning_window", ValueShape.Boolean, "legacy scan-window switch"),
        new(ConfigKind.Train, "stop_threshold", ValueShape.Number, "stop when the key metric reaches it"),
        new(ConfigKind.Train, "infer_in_training_mode", ValueShape.Boolean, "run validation inference in training mode"),

        new(ConfigKind.Validation, "use_scanning_window", ValueShape.Boolean, "legacy scan-window switch"),
        new(ConfigKind.Validation, "multi_gpu", ValueShape.Boolean, "data-parallel evaluation"),
        new(ConfigKind.Validation, "batch_size", ValueShape.Integer, "images per inference call"),
        new(ConfigKind.Validation, "use_amp", ValueShape.Boolean, "automatic mixed precision"),
        new(ConfigKind.Validation, "DATA_LIST_KEY", ValueShape.String, "which data-list entry to evaluate"),
        new(ConfigKind.Validation, "do_validation", ValueShape.Boolean, "compute metrics against labels"),
        new(ConfigKind.Validation, "output_infer_result", ValueShape.Boolean, "run the writers"),
    ];

    /// <summary>The globals of one config kind.</summary>
    public static IEnumerable<GlobalRule> For(ConfigKind kind) => All.Where(g => g.Config == kind);

    /// <summary>The rule for <paramref name="key"/>; null when it is not a known global of <paramref name="kind"/>.</summary>
    public static GlobalRule? Find(ConfigKind kind, string key) => All.FirstOrDefault(g => g.Config == kind && g.Key == key);
}
