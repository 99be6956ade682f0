using Pipeline.Data;

namespace Pipeline.Configuration.Documents;

/// <summary>Turns data-list items into the transform contexts a chain starts from.</summary>
public static class DatalistSamples
{
    /// <summary>A context holding the item's file paths (a list for multi-channel fields) and copies of its other values.</summary>
    public static TransformContext CreateContext(DatalistItem item, long seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(item);
        var context = new TransformContext(new SampleInfo(item.Index, Describe(item), seed, epoch));
        foreach (var (name, field) in item.Files)
            context.Set(name, field.IsList ? field.Paths : (object)field.Paths[0]);
        foreach (var name in item.ValueFields)
            if (item.TryGetValue(name, out var value) && value is not null) context.Set(name, value);
        return context;
    }

    /// <summary>What a user recognises an item by: its image path(s), else its place in the data list.</summary>
    public static string Describe(DatalistItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Files.TryGetValue("image", out var image) ? string.Join(", ", image.Paths) : item.JsonPath;
    }
}
