namespace Pipeline.Workflows.Training;

/// <summary><c>--resume</c> cannot continue: there is no saved state, or it already covers every epoch.</summary>
public sealed class ResumeException(string message) : Exception(message);
