namespace Pipeline.Workflows.Training;

/// <summary>Training produced a non-finite loss; the message names the epoch, step and samples.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
