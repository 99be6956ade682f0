namespace Pipeline.Workflows.Evaluation;

/// <summary>An input cannot be evaluated as the data list gives it (e.g. its label lies on another grid than its image); the message names the input.</summary>
public sealed class EvaluationInputException(string message) : Exception(message);
