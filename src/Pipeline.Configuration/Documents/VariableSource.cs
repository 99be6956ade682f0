namespace Pipeline.Configuration.Documents;

/// <summary>Where a variable's value came from; later sources override earlier ones in this order.</summary>
public enum VariableSource
{
    /// <summary>A top-level key of the config file (<c>learning_rate</c>, <c>epochs</c>, …).</summary>
    ConfigGlobal,
    /// <summary>A key of <c>environment.json</c>.</summary>
    Environment,
    /// <summary>A <c>--set KEY=VALUE</c> item.</summary>
    CommandLine,
    /// <summary>Provided by the engine (<c>MMAR_ROOT</c>).</summary>
    BuiltIn,
}
