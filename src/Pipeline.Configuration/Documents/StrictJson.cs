using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>Reads a JSON file the way Clara's Python <c>json.load</c> accepts it: no comments, no trailing commas.</summary>
public static class StrictJson
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 256,
    };

    /// <summary>
    /// Parses <paramref name="file"/>; on a missing file or a syntax error records a problem (with line and column) and
    /// returns null. A key repeated inside one object is a warning and the last value wins, as in Python.
    /// </summary>
    /// <param name="file">Absolute path of the file.</param>
    /// <param name="what">What the file is, for messages ("config file", "environment file", "data list").</param>
    /// <param name="problems">Where problems go.</param>
    public static JsonNode? Read(string file, string what, ConfigProblems problems)
    {
        byte[] bytes;
        try
        {
            if (Directory.Exists(file))
            {
                problems.Error(file, "", $"{what} is a directory, not a JSON file");
                return null;
            }
            if (!File.Exists(file))
            {
                problems.Error(file, "", $"{what} not found");
                return null;
            }
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Error(file, "", $"cannot read {what}: {e.Message}");
            return null;
        }
        return Parse(bytes, file, what, problems);
    }

    /// <summary>Parses JSON text already in memory; <paramref name="file"/> only names it in problems.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, string file, string what, ConfigProblems problems)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8 = utf8[3..];
        var text = utf8.ToArray();
        if (!Scan(text, file, what, problems, out var hasDuplicates)) return null;
        // JsonNode.Parse throws on duplicate keys, so only the rare file with duplicates is built from a JsonDocument.
        if (!hasDuplicates)
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = ReaderOptions.MaxDepth });
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = ReaderOptions.MaxDepth,
        });
        return ToNode(document.RootElement);
    }

    // One reader pass finds syntax errors and duplicate keys with exact positions, which JsonNode.Parse cannot give.
    private static bool Scan(byte[] text, string file, string what, ConfigProblems problems, out bool hasDuplicates)
    {
        hasDuplicates = false;
        var reader = new Utf8JsonReader(text, ReaderOptions);
        var keysPerObject = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        keysPerObject.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        keysPerObject.Push(null);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        keysPerObject.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var key = reader.GetString()!;
                        if (keysPerObject.Peek() is { } keys && !keys.Add(key))
                        {
                            hasDuplicates = true;
                            var (line, column) = Position(text, (int)reader.TokenStartIndex);
                            problems.Warning(file, "",
                                $"key \"{key}\" appears twice in one object (line {line}, column {column}); the last value is used, as Clara's JSON reader did");
                        }
                        break;
                }
            }
            return true;
        }
        catch (JsonException e)
        {
            if (text.Length == 0 || text.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                problems.Error(file, "", $"{what} is empty; expected a JSON object");
                return false;
            }
            var line = (int)(e.LineNumber ?? 0);
            var column = ColumnOf(text, line, (int)(e.BytePositionInLine ?? 0));
            problems.Error(file, "", $"invalid JSON at line {line + 1}, column {column}: {CleanMessage(e.Message)} (strict JSON: no comments, no trailing commas, true/false/null in lower case)");
            return false;
        }
    }

    private static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                // The indexer replaces an earlier duplicate, so the last value wins like Python's dict.
                foreach (var property in element.EnumerateObject()) obj[property.Name] = ToNode(property.Value);
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray()) array.Add(ToNode(item));
                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }

    private static (int Line, int Column) Position(byte[] text, int offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
            if (text[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        return (line + 1, Encoding.UTF8.GetCharCount(text, lineStart, offset - lineStart) + 1);
    }

    // The reader counts bytes; users count characters, which differ on non-ASCII lines.
    private static int ColumnOf(byte[] text, int zeroBasedLine, int bytePosition)
    {
        var lineStart = 0;
        for (var seen = 0; seen < zeroBasedLine && lineStart < text.Length; lineStart++)
            if (text[lineStart] == (byte)'\n') seen++;
        var length = Math.Clamp(bytePosition, 0, text.Length - lineStart);
        return Encoding.UTF8.GetCharCount(text, lineStart, length) + 1;
    }

    private static string CleanMessage(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var core = cut >= 0 ? message[..cut] : message;
        // The parser quotes everything from the bad literal to the end of the file; the literal itself is enough.
        core = System.Text.RegularExpressions.Regex.Replace(core, @"^'([^\s,:\]\}]*).*?' is an invalid JSON literal", "'$1' is an invalid JSON literal",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        return core.Replace("\r", "").Replace("\n", "\\n").TrimEnd();
    }
}
