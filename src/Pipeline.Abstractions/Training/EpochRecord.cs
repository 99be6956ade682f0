namespace Pipeline.Training;

/// <summary>One finished epoch as handlers see it.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Epochs">Total epochs of the run.</param>
/// <param name="GlobalStep">Steps done so far over the run.</param>
/// <param name="Steps">Steps in this epoch.</param>
/// <param name="MeanLoss">Mean training loss over the epoch.</param>
/// <param name="LearningRate">The epoch's learning rate.</param>
/// <param name="Seconds">Wall time of the epoch's training steps.</param>
/// <param name="WaitedFraction">Fraction of <paramref name="Seconds"/> the trainer waited for the image pipeline.</param>
/// <param name="AuxMeans">Epoch means of the aux ops' tags.</param>
/// <param name="Metrics">Validation results by metric name; null when no validation ran this epoch.</param>
/// <param name="KeyMetric">The key metric's name; null without validation metrics.</param>
/// <param name="BestMetric">Best key metric so far (NaN before the first validation).</param>
/// <param name="BestEpoch">1-based epoch of <paramref name="BestMetric"/>; -1 before the first validation.</param>
/// <param name="ValidationSeconds">Wall time of this epoch's validation; 0 when none ran.</param>
public sealed record EpochRecord(
    int Epoch, int Epochs, long GlobalStep, int Steps, double MeanLoss, double LearningRate, double Seconds, double WaitedFraction,
    IReadOnlyDictionary<string, double> AuxMeans, IReadOnlyDictionary<string, double>? Metrics, string? KeyMetric,
    double BestMetric, int BestEpoch, double ValidationSeconds);
