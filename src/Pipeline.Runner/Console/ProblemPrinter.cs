using Pipeline.Configuration;

namespace Pipeline.Runner.Console;

/// <summary>Prints config problems, errors first, with a count line a user can grep for.</summary>
public static class ProblemPrinter
{
    /// <summary>Writes every problem, one per line, then a summary line when there are errors.</summary>
    public static void Print(TextWriter writer, IReadOnlyList<ConfigProblem> problems)
    {
        problems = problems.Distinct().ToList();
        foreach (var p in problems.Where(p => !p.IsWarning)) writer.WriteLine(p);
        foreach (var p in problems.Where(p => p.IsWarning)) writer.WriteLine(p);
        var errors = problems.Count(p => !p.IsWarning);
        if (errors > 0) writer.WriteLine($"{errors} error(s) found.");
    }
}
