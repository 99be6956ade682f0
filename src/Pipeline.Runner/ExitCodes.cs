namespace Pipeline.Runner;

/// <summary>Process exit codes of <c>mmar</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but failed on the data or the machine (unreadable image, native library, I/O).</summary>
    public const int Failure = 1;

    /// <summary>The MMAR or the command line is wrong; every problem was printed.</summary>
    public const int ConfigError = 2;
}
