namespace Pipeline.Tests.Runner;

/// <summary>Locates the repository (and its example MMARs) from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Mmars => Path.Combine(Root, "mmars");

    public static IEnumerable<string> ExampleMmars => Directory.GetDirectories(Mmars).Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        // Built with --artifacts-path outside the repo: fall back to the source location of this file's project.
        var fromSource = Path.GetFullPath(Path.Combine(ThisFileDirectory(), "..", "..", ".."));
        return File.Exists(Path.Combine(fromSource, "Pipeline.sln"))
            ? fromSource
            : throw new InvalidOperationException("cannot find the repository root (Pipeline.sln) from " + AppContext.BaseDirectory);
    }

    private static string ThisFileDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
