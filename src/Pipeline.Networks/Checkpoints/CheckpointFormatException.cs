namespace Pipeline.Networks.Checkpoints;

/// <summary>A file is not a readable checkpoint (not ours, damaged, or from a newer format version).</summary>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public CheckpointFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: not a readable checkpoint: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
