namespace Pipeline.Workflows.Distributed;

/// <summary>A collective did not complete within the rank timeout: another rank died or hangs.</summary>
public sealed class RankTimeoutException(string message) : Exception(message);
