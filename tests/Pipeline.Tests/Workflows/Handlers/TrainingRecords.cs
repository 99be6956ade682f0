using Pipeline.Training;

namespace Pipeline.Tests.Workflows.Handlers;

/// <summary>Synthetic handler records for tests.</summary>
internal static class TrainingRecords
{
    public static IterationRecord Step(int epoch, int stepInEpoch, int stepsPerEpoch, long globalStep, double loss, double lr,
        double seconds = 0.5, double wait = 0, IReadOnlyDictionary<string, double>? aux = null) =>
        new(epoch, stepInEpoch, stepsPerEpoch, globalStep, loss, lr, seconds, wait, aux ?? new Dictionary<string, double>());

    public static EpochRecord Epoch(int epoch, int epochs, long globalStep, int steps, double meanLoss, double lr,
        double seconds = 10, double waited = 0, IReadOnlyDictionary<string, double>? aux = null,
        IReadOnlyDictionary<string, double>? metrics = null, string? keyMetric = null, double best = double.NaN, int bestEpoch = -1,
        double validationSeconds = 0) =>
        new(epoch, epochs, globalStep, steps, meanLoss, lr, seconds, waited, aux ?? new Dictionary<string, double>(), metrics,
            keyMetric, best, bestEpoch, validationSeconds);
}
