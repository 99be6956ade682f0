using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>One entry of a data list: file fields (resolved against DATA_ROOT) and other values such as class labels.</summary>
public sealed class DatalistItem
{
    private readonly Dictionary<string, DatalistField> _files;
    private readonly Dictionary<string, JsonNode?> _values;

    internal DatalistItem(int index, string jsonPath, IEnumerable<DatalistField> files, IEnumerable<KeyValuePair<string, JsonNode?>> values)
    {
        Index = index;
        JsonPath = jsonPath;
        _files = files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _values = values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
    }

    /// <summary>An item with one image file and nothing else, for inputs named on the command line rather than in a data list.</summary>
    public static DatalistItem ForImage(int index, string imagePath) =>
        new(index, $"input[{index}]", [new DatalistField("image", [Path.GetFullPath(imagePath)], IsList: false)], []);

    /// <summary>Position in its list (zero-based).</summary>
    public int Index { get; }

    /// <summary>JSON path in the data-list file, e.g. <c>training[3]</c>.</summary>
    public string JsonPath { get; }

    /// <summary>Fields holding file paths, by name.</summary>
    public IReadOnlyDictionary<string, DatalistField> Files => _files;

    /// <summary>Names of fields that hold other JSON values (numbers, label vectors, objects).</summary>
    public IReadOnlyCollection<string> ValueFields => _values.Keys;

    /// <summary>The absolute paths of a file field; false when the item has no such file field.</summary>
    public bool TryGetPaths(string field, out IReadOnlyList<string> paths)
    {
        if (_files.TryGetValue(field, out var f))
        {
            paths = f.Paths;
            return true;
        }
        paths = [];
        return false;
    }

    /// <summary>A copy of a non-file value; false when the item has no such value field.</summary>
    public bool TryGetValue(string field, out JsonNode? value)
    {
        if (_values.TryGetValue(field, out var v))
        {
            value = v?.DeepClone();
            return true;
        }
        value = null;
        return false;
    }
}
