using Pipeline.Tests.Packaging;

namespace Pipeline.Tests.Dicom;

/// <summary>Debian's dicom3tools validator: checks a DICOM object against the standard's module definitions for its SOP class.</summary>
internal static class Dciodvfy
{
    /// <summary>Its report on <paramref name="file"/>: the lines it printed, and those that are errors.</summary>
    public static (string Report, IReadOnlyList<string> Errors) Check(string file)
    {
        const string tool = "/usr/bin/dciodvfy";
        if (!File.Exists(tool))
            throw new InvalidOperationException($"{tool} is missing: install Debian's dicom3tools (./test does)");
        var run = ExternalProcess.Run(tool, ["-new", file], Path.GetDirectoryName(file)!, TimeSpan.FromMinutes(2));
        var errors = run.Output.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).ToList();
        return (run.Output, errors);
    }
}
