namespace Pipeline.Configuration.Documents;

/// <summary>The outcome of <see cref="MmarLoader.Read"/>: the config when the file could be read, and every problem.</summary>
/// <param name="Config">Null when the MMAR, the config file or its kind could not be read at all.</param>
/// <param name="Problems">Errors and warnings, in the order found.</param>
public sealed record MmarLoadResult(MmarConfig? Config, ConfigProblems Problems)
{
    /// <summary>True when there is a config and no error.</summary>
    public bool Succeeded => Config is not null && !Problems.HasErrors;
}
