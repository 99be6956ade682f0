namespace Pipeline.Workflows.Training;

/// <summary>How a training run ended: its best key metric and epoch (-1 when no validation ran) and what became of the best-model file.</summary>
/// <param name="BestMetric">The best key metric; NaN when no validation ran.</param>
/// <param name="BestEpoch">The 1-based epoch of <paramref name="BestMetric"/>; -1 when no validation ran.</param>
/// <param name="BestModel">What the run did to <paramref name="BestModelPath"/>.</param>
/// <param name="BestModelPath">The best model's file (<c>model.ckpt</c>).</param>
public sealed record TrainingResult(double BestMetric, int BestEpoch, BestModelOutcome BestModel, string BestModelPath);
