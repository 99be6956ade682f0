namespace Pipeline.IO;

/// <summary>A write refused by the output rule: the path lies outside its declared folder, leads out through a link, or its folder is missing.</summary>
public sealed class OutputPathException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>; <paramref name="problem"/> says what is wrong and what is accepted.</summary>
    public OutputPathException(string path, string problem)
        : base(problem.StartsWith(path, StringComparison.Ordinal) ? problem : $"{path}: {problem}")
    {
        Path = path;
    }

    /// <summary>The refused path.</summary>
    public string Path { get; }
}
