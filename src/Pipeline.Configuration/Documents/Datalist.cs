using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>Reads a Medical-Segmentation-Decathlon-style data list (catalog §2.4): <c>{"training": [{"image": …, "label": …}, …], …}</c>.</summary>
/// <remarks>
/// String values are file paths relative to DATA_ROOT (absolute ones are kept); a list of strings is one multi-channel image;
/// any other value (a class index, a label vector) is kept as JSON. Extra top-level keys such as <c>description</c> are ignored.
/// </remarks>
public static class Datalist
{
    /// <summary>Loads list <paramref name="key"/>; throws <see cref="ConfigException"/> listing every problem when there is an error.</summary>
    public static IReadOnlyList<DatalistItem> Load(string file, string dataRoot, string key)
    {
        var problems = new ConfigProblems();
        var items = Load(file, dataRoot, key, problems);
        problems.ThrowIfErrors();
        return items;
    }

    /// <summary>Loads list <paramref name="key"/>, adding problems to <paramref name="problems"/>; items with errors are left out.</summary>
    /// <param name="file">The data-list JSON file.</param>
    /// <param name="dataRoot">Base folder of relative paths (normally <see cref="MmarPaths.DataRoot"/>).</param>
    /// <param name="key">The list to read (<c>training</c>, <c>validation</c>, …).</param>
    /// <param name="problems">Where problems go.</param>
    /// <param name="checkFilesExist">Also report paths that do not exist (costs one file-system lookup per path).</param>
    public static IReadOnlyList<DatalistItem> Load(string file, string dataRoot, string key, ConfigProblems problems, bool checkFilesExist = false)
    {
        ArgumentNullException.ThrowIfNull(problems);
        file = Path.GetFullPath(file);
        var root = StrictJson.Read(file, "data list", problems);
        if (root is null) return [];
        if (root is not JsonObject obj)
        {
            problems.Error(file, "", $"found {ValueShapes.DescribeFound(root)} at the top; accepted: an object of lists such as {{\"training\": [ … ], \"validation\": [ … ]}}");
            return [];
        }
        if (!obj.TryGetPropertyValue(key, out var listNode))
        {
            var lists = obj.Where(p => p.Value is JsonArray).Select(p => p.Key).ToList();
            var message = lists.Count == 0
                ? $"has no \"{key}\" list, and no lists at all"
                : NameSuggestions.WithDidYouMean($"has no \"{key}\" list; lists in this file: {string.Join(", ", lists)}", key, lists);
            problems.Error(file, key, message);
            return [];
        }
        if (listNode is not JsonArray list)
        {
            problems.Error(file, key, $"found {ValueShapes.DescribeFound(listNode)}; accepted: a list of items [{{\"image\": \"…\", \"label\": \"…\"}}, …]");
            return [];
        }
        if (list.Count == 0)
        {
            problems.Error(file, key, "the list is empty; accepted: at least one item");
            return [];
        }

        var baseDir = Path.GetFullPath(dataRoot);
        var items = new List<DatalistItem>(list.Count);
        for (var i = 0; i < list.Count; i++)
            if (ReadItem(list[i], i, JsonPaths.Index(key, i), baseDir, file, problems, checkFilesExist) is { } item)
                items.Add(item);
        return items;
    }

    private static DatalistItem? ReadItem(JsonNode? node, int index, string path, string baseDir, string file, ConfigProblems problems, bool checkFiles)
    {
        if (node is not JsonObject obj)
        {
            problems.Error(file, path, $"found {ValueShapes.DescribeFound(node)}; accepted: an object of fields such as {{\"image\": \"imagesTr/a.nii.gz\", \"label\": \"labelsTr/a.nii.gz\"}}");
            return null;
        }
        var errorsBefore = problems.ErrorCount;
        var files = new List<DatalistField>();
        var values = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var (field, value) in obj)
        {
            if (ConfigKeys.IsComment(field)) continue;
            var fieldPath = JsonPaths.Property(path, field);
            switch (value)
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    if (ResolvePath(v.GetValue<string>(), baseDir, file, fieldPath, problems, checkFiles) is { } single)
                        files.Add(new DatalistField(field, [single], IsList: false));
                    break;
                case JsonArray array when array.Count > 0 && array.Any(IsString):
                    if (!array.All(IsString))
                    {
                        problems.Error(file, fieldPath, "found a list mixing file paths and other values; accepted: a list of file paths (channels) or a list of numbers");
                        break;
                    }
                    var paths = new List<string>();
                    for (var c = 0; c < array.Count; c++)
                        if (ResolvePath(array[c]!.GetValue<string>(), baseDir, file, JsonPaths.Index(fieldPath, c), problems, checkFiles) is { } p)
                            paths.Add(p);
                    files.Add(new DatalistField(field, paths, IsList: true));
                    break;
                case JsonArray { Count: 0 }:
                    problems.Error(file, fieldPath, "found an empty list; accepted: a file path, a list of file paths (channels) or a value");
                    break;
                default:
                    values.Add(new(field, value?.DeepClone()));
                    break;
            }
        }
        return problems.ErrorCount > errorsBefore ? null : new DatalistItem(index, path, files, values);
    }

    private static bool IsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static string? ResolvePath(string text, string baseDir, string file, string path, ConfigProblems problems, bool checkFiles)
    {
        if (text.Trim().Length == 0)
        {
            problems.Error(file, path, "found an empty path; accepted: a file path relative to DATA_ROOT");
            return null;
        }
        string full;
        try
        {
            full = Path.GetFullPath(Path.IsPathRooted(text) ? text : Path.Combine(baseDir, text));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problems.Error(file, path, $"found \"{text}\", which is not a valid path: {e.Message}");
            return null;
        }
        if (checkFiles && !File.Exists(full) && !Directory.Exists(full))
        {
            problems.Error(file, path, $"file not found: {full} (DATA_ROOT is {baseDir})");
            return null;
        }
        return full;
    }
}
