namespace Pipeline.Configuration;

/// <summary>One user-facing problem in an MMAR: the file, the JSON path inside it, and what is wrong (with what is accepted).</summary>
/// <param name="File">The config, environment or data-list file; empty when the problem is about the command line.</param>
/// <param name="JsonPath">Dotted path such as <c>train.pre_transforms[3].args.size</c>; empty for the whole file.</param>
/// <param name="Message">What was found, what is accepted, and a suggestion when there is one.</param>
/// <param name="IsWarning">Warnings are printed but do not fail a check.</param>
public sealed record ConfigProblem(string File, string JsonPath, string Message, bool IsWarning = false)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var where = string.IsNullOrEmpty(JsonPath) ? File : string.IsNullOrEmpty(File) ? JsonPath : $"{File}: {JsonPath}";
        var level = IsWarning ? "warning" : "error";
        return string.IsNullOrEmpty(where) ? $"{level}: {Message}" : $"{where}: {level}: {Message}";
    }
}

/// <summary>Collects every problem found in one pass, so a user sees them all at once.</summary>
public sealed class ConfigProblems
{
    private readonly List<ConfigProblem> _items = [];

    /// <summary>All problems in the order found.</summary>
    public IReadOnlyList<ConfigProblem> Items => _items;

    /// <summary>True when at least one problem is an error.</summary>
    public bool HasErrors => _items.Any(p => !p.IsWarning);

    /// <summary>Number of errors.</summary>
    public int ErrorCount => _items.Count(p => !p.IsWarning);

    /// <summary>Records an error.</summary>
    public void Error(string file, string jsonPath, string message) => _items.Add(new ConfigProblem(file, jsonPath, message));

    /// <summary>Records a warning.</summary>
    public void Warning(string file, string jsonPath, string message) => _items.Add(new ConfigProblem(file, jsonPath, message, IsWarning: true));

    /// <summary>Adds problems found elsewhere.</summary>
    public void AddRange(IEnumerable<ConfigProblem> problems) => _items.AddRange(problems);

    /// <summary>Throws <see cref="ConfigException"/> when there is an error.</summary>
    public void ThrowIfErrors()
    {
        if (HasErrors) throw new ConfigException(_items);
    }
}

/// <summary>An MMAR cannot be used as written; <see cref="Problems"/> says every reason.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception from collected problems.</summary>
    public ConfigException(IReadOnlyList<ConfigProblem> problems)
        : base(string.Join(Environment.NewLine, problems.Where(p => !p.IsWarning)))
        => Problems = problems;

    /// <summary>Creates the exception from one problem.</summary>
    public ConfigException(string file, string jsonPath, string message)
        : this([new ConfigProblem(file, jsonPath, message)]) { }

    /// <summary>Every problem (errors and warnings).</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }
}
