using System.Text.Json.Nodes;

namespace Pipeline.Workflows.Training;

/// <summary>Where a training run stands after an epoch: what a checkpoint keeps so that <c>--resume</c> continues exactly.</summary>
public sealed record TrainingProgress
{
    /// <summary>Epochs completed.</summary>
    public int EpochsDone { get; init; }

    /// <summary>Optimizer steps completed.</summary>
    public long Step { get; init; }

    /// <summary>Best key metric so far; NaN before the first validation.</summary>
    public double BestMetric { get; init; } = double.NaN;

    /// <summary>1-based epoch of <see cref="BestMetric"/>; -1 before the first validation.</summary>
    public int BestEpoch { get; init; } = -1;

    /// <summary>Validations completed.</summary>
    public int Validations { get; init; }

    /// <summary>The latest key metric; null before the first validation.</summary>
    public double? LastMetric { get; init; }

    /// <summary>Steps the last epoch had.</summary>
    public int StepsPerEpoch { get; init; }

    /// <summary>The float16 loss scale (1 otherwise) and its count of good steps.</summary>
    public double LossScale { get; init; } = 1;

    /// <summary>Good steps since the loss scale last changed.</summary>
    public int LossScaleGoodSteps { get; init; }

    /// <summary>The JSON kept as the checkpoint's <c>training_state</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["epoch"] = EpochsDone,
        ["step"] = Step,
        ["best_metric"] = double.IsFinite(BestMetric) ? BestMetric : null,
        ["best_epoch"] = BestEpoch,
        ["validations"] = Validations,
        ["last_metric"] = LastMetric is { } m && double.IsFinite(m) ? m : null,
        ["steps_per_epoch"] = StepsPerEpoch,
        ["loss_scale"] = LossScale,
        ["loss_scale_good_steps"] = LossScaleGoodSteps,
    };

    /// <summary>Reads <see cref="ToJson"/>'s output; throws <see cref="FormatException"/> when a field is missing.</summary>
    public static TrainingProgress FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        T Get<T>(string name, T fallback, bool required = false) =>
            json[name] is JsonValue v && v.TryGetValue<T>(out var value) ? value
            : required ? throw new FormatException($"training_state has no '{name}'") : fallback;
        return new TrainingProgress
        {
            EpochsDone = Get("epoch", 0, required: true),
            Step = Get("step", 0L, required: true),
            BestMetric = json["best_metric"] is JsonValue b && b.TryGetValue<double>(out var best) ? best : double.NaN,
            BestEpoch = Get("best_epoch", -1),
            Validations = Get("validations", 0),
            LastMetric = json["last_metric"] is JsonValue l && l.TryGetValue<double>(out var last) ? last : null,
            StepsPerEpoch = Get("steps_per_epoch", 0),
            LossScale = Get("loss_scale", 1.0),
            LossScaleGoodSteps = Get("loss_scale_good_steps", 0),
        };
    }
}
