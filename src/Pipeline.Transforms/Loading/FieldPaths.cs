using System.Text.Json.Nodes;
using Pipeline.Data;

namespace Pipeline.Transforms.Loading;

/// <summary>Reads the file path, or list of paths, that a loader finds in a field before loading it.</summary>
internal static class FieldPaths
{
    /// <summary>The path(s) in <paramref name="field"/>: a string, a list of strings, or the JSON forms of either.</summary>
    /// <exception cref="SampleFieldException">The field is absent, empty, or holds something else (e.g. an image already loaded).</exception>
    public static IReadOnlyList<string> Of(TransformContext context, string field, string requestedBy)
    {
        var value = context.Get(field);
        IReadOnlyList<string>? paths = value switch
        {
            string path => [path],
            IReadOnlyList<string> list => list,
            JsonValue v when v.TryGetValue<string>(out var path) => [path],
            JsonArray array when array.All(n => n is JsonValue v && v.TryGetValue<string>(out _)) => array.Select(n => n!.GetValue<string>()).ToList(),
            _ => null,
        };
        if (value is null)
            throw new SampleFieldException(
                $"{requestedBy} needs field '{field}', which sample {context.Sample.Index} ({context.Sample.Description}) does not have; fields present: {string.Join(", ", context.Fields.Order())}");
        if (paths is null)
            throw new SampleFieldException(
                $"{requestedBy} needs a file path (or a list of paths) in field '{field}' of sample {context.Sample.Index} ({context.Sample.Description}), found {value.GetType().Name}");
        if (paths.Count == 0 || paths.Any(string.IsNullOrWhiteSpace))
            throw new SampleFieldException(
                $"{requestedBy}: field '{field}' of sample {context.Sample.Index} ({context.Sample.Description}) holds an empty path or an empty list of paths");
        return paths;
    }
}
