namespace Pipeline.Configuration.Documents;

/// <summary>A data-list field that names files, e.g. <c>image</c>.</summary>
/// <param name="Name">The field name.</param>
/// <param name="Paths">Absolute paths; several paths are the channels of one image.</param>
/// <param name="IsList">True when the data list wrote a list (channels), even a list of one; false for a single string.</param>
public sealed record DatalistField(string Name, IReadOnlyList<string> Paths, bool IsList);
