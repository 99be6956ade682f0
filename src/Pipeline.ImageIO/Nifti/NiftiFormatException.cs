namespace Pipeline.ImageIO.Nifti;

/// <summary>A file is not a NIfTI file this reader can load; the message names the file and the problem.</summary>
public sealed class NiftiFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/> with a one-sentence <paramref name="problem"/>.</summary>
    public NiftiFormatException(string file, string problem, Exception? inner = null)
        : base($"{file}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string File { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
