namespace Pipeline.Training;

/// <summary>One optimizer step as handlers see it.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="StepInEpoch">1-based step within the epoch.</param>
/// <param name="StepsPerEpoch">Steps in this epoch as predicted; 0 when unknown.</param>
/// <param name="GlobalStep">1-based step count over the whole run.</param>
/// <param name="Loss">The step's loss (including any regularisation term).</param>
/// <param name="LearningRate">The learning rate the step used.</param>
/// <param name="StepSeconds">Wall time of the step, including waiting for data.</param>
/// <param name="WaitSeconds">Part of <paramref name="StepSeconds"/> spent waiting for the image pipeline.</param>
/// <param name="AuxValues">Values of the aux ops' tags for this step (e.g. <c>negloss</c>, <c>dice</c>).</param>
public sealed record IterationRecord(
    int Epoch, int StepInEpoch, int StepsPerEpoch, long GlobalStep, double Loss, double LearningRate,
    double StepSeconds, double WaitSeconds, IReadOnlyDictionary<string, double> AuxValues);
