namespace Pipeline.Workflows.Training;

/// <summary>A training run stopped by a failure inside an epoch; the message names the epoch, the phase and, where known, the data-list item.</summary>
public sealed class TrainingFailedException(string message, Exception inner) : Exception(message, inner);
