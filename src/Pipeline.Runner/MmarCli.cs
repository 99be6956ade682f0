using System.CommandLine;

namespace Pipeline.Runner;

/// <summary>The <c>mmar</c> command line: builds the command tree and runs it.</summary>
public static class MmarCli
{
    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("mmar: train, validate, infer and check Clara-style MMARs (Medical Model ARchives).");
        return root.Parse(args).InvokeAsync();
    }
}
