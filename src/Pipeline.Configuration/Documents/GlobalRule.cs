namespace Pipeline.Configuration.Documents;

/// <summary>A known top-level (global) key of a config kind and the JSON type it must have.</summary>
public sealed record GlobalRule(ConfigKind Config, string Key, ValueShape Shape, string Meaning);
