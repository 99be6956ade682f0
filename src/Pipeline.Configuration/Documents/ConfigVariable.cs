using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>One variable after overriding, substitution and path resolution.</summary>
/// <param name="Name">The name used in <c>{NAME}</c> tokens.</param>
/// <param name="Value">The typed value (a private copy; changing it changes nothing else).</param>
/// <param name="Source">Which source won.</param>
/// <param name="File">The file that defined the winning value; empty for <c>--set</c> and built-ins.</param>
/// <param name="JsonPath">Where in that file (<c>DATA_ROOT</c>, <c>--set[1]</c>).</param>
public sealed record ConfigVariable(string Name, JsonNode? Value, VariableSource Source, string File, string JsonPath);
