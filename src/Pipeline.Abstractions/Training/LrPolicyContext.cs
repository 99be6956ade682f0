namespace Pipeline.Training;

/// <summary>Where training stands when a learning-rate policy is asked for the current learning rate.</summary>
/// <param name="BaseLearningRate">The initial learning rate (the config's <c>learning_rate</c>).</param>
/// <param name="Epoch">The current epoch, counted from 0.</param>
/// <param name="TotalEpochs">The configured number of epochs.</param>
/// <param name="Step">Training steps (iterations) completed so far over the whole run, counted from 0.</param>
/// <param name="StepsPerEpoch">Training steps in one epoch.</param>
/// <param name="ValidationMetric">The latest key validation metric (higher is better), null before the first validation.</param>
/// <param name="ValidationCount">How many validations have completed; a policy reacts to each new one once.</param>
public sealed record LrPolicyContext(
    double BaseLearningRate,
    int Epoch,
    int TotalEpochs,
    long Step,
    int StepsPerEpoch,
    double? ValidationMetric = null,
    int ValidationCount = 0);
