namespace Pipeline.Networks.Weights;

/// <summary>A safetensors file that cannot be read: the message names the file and what is wrong with it.</summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> with a description of <paramref name="problem"/>.</summary>
    public SafetensorsFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: not a valid safetensors file: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file that failed to load.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
