using System.Text.Json;
using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>One tensor's entry in a safetensors header, offsets relative to the start of the data buffer.</summary>
internal sealed record SafetensorsEntry(string Name, ScalarType Type, long[] Shape, long Begin, long End);

/// <summary>Parses and validates a safetensors JSON header against the size of the data buffer that follows it.</summary>
internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    public static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlyMemory<byte> json, long bufferLength)
    {
        // JsonDocument only notices bad UTF-8 in names and strings when they are decoded, as a non-JSON exception.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            throw new SafetensorsFormatException(path, "the header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"the header is not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, "the header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                // JsonDocument keeps duplicate keys; which one would win is ambiguous, so refuse.
                if (!seen.Add(property.Name))
                    throw new SafetensorsFormatException(path, $"the header lists '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    ReadMetadata(path, property.Value, metadata);
                else
                    entries.Add(ReadEntry(path, property.Name, property.Value));
            }
            CheckLayout(path, entries, bufferLength);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, $"{MetadataKey} is not an object");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(path, $"{MetadataKey} entry '{item.Name}' is not a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafetensorsFormatException(path, $"{MetadataKey} lists '{item.Name}' twice");
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, $"tensor '{name}': entry is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new SafetensorsFormatException(path, $"tensor '{name}': missing or non-string dtype");
        var dtype = dtypeElement.GetString()!;
        if (!SafetensorsDtype.TryParse(dtype, out var type, out var size))
            throw new SafetensorsFormatException(path, $"tensor '{name}': unsupported dtype '{dtype}'");
        var shape = ReadIntegers(path, name, value, "shape");
        var offsets = ReadIntegers(path, name, value, "data_offsets");
        if (offsets.Length != 2)
            throw new SafetensorsFormatException(path, $"tensor '{name}': data_offsets must have two entries");
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw new SafetensorsFormatException(path, $"tensor '{name}': data_offsets end {end} is before begin {begin}");
        long bytes;
        try
        {
            // Like the Rust library, overflow counts as invalid even when another dimension is zero.
            var count = 1L;
            foreach (var dim in shape) count = checked(count * dim);
            bytes = checked(count * size);
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is too large");
        }
        if (end - begin != bytes)
            throw new SafetensorsFormatException(path,
                $"tensor '{name}': data_offsets span {end - begin} bytes but {dtype} [{string.Join(", ", shape)}] needs {bytes}");
        return new SafetensorsEntry(name, type, shape, begin, end);
    }

    private static long[] ReadIntegers(string path, string name, JsonElement value, string field)
    {
        if (!value.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException(path, $"tensor '{name}': missing or non-array {field}");
        var result = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
                throw new SafetensorsFormatException(path, $"tensor '{name}': {field} holds {item.GetRawText()}, not a non-negative integer");
            result[i++] = number;
        }
        return result;
    }

    /// <summary>Like the Rust library: tensors tile the buffer exactly, no gaps, overlaps or trailing bytes.</summary>
    private static void CheckLayout(string path, List<SafetensorsEntry> entries, long bufferLength)
    {
        var expected = 0L;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != expected)
                throw new SafetensorsFormatException(path, entry.Begin < expected
                    ? $"tensor '{entry.Name}' overlaps another tensor at offset {entry.Begin}"
                    : $"tensor '{entry.Name}' starts at {entry.Begin}, leaving a gap after offset {expected}");
            expected = entry.End;
        }
        if (expected != bufferLength)
            throw new SafetensorsFormatException(path, expected > bufferLength
                ? $"the data buffer is truncated: tensors need {expected} bytes, the file holds {bufferLength}"
                : $"the data buffer holds {bufferLength} bytes but tensors cover only {expected}");
    }
}
