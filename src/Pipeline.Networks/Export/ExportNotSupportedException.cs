namespace Pipeline.Networks.Export;

/// <summary>A network holds a module that has no graph form yet; the message names it and its place in the network.</summary>
public sealed class ExportNotSupportedException(string message) : Exception(message);
