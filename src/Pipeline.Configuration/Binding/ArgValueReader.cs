using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Binding;

/// <summary>Converts one JSON arg value to the CLR value of its <see cref="ArgType"/>, reporting every mismatch at its exact JSON path.</summary>
/// <remarks>
/// Loose forms accepted, because Clara configs use them and variable substitution produces strings:
/// a single value where a list is expected (a one-element list; <c>"fields": "image"</c>);
/// a comma-separated string for a list of numbers (<c>"32,64,64"</c>, optionally in brackets);
/// a numeric string for a number; an integer for a float; a float with an integral value for an integer;
/// the strings "true"/"false" for a boolean (but never 0/1); enum names in snake_case or PascalCase, any case.
/// A scalar for a numeric list is not broadcast here: the component sees a one-element list and, knowing its
/// spatial rank, broadcasts or rejects it.
/// </remarks>
internal sealed class ArgValueReader(string file, ConfigProblems problems)
{
    private const NumberStyles NumberStyle = NumberStyles.Float;

    /// <summary>Reads <paramref name="node"/> as <paramref name="type"/>; false (with problems recorded) when it does not fit.</summary>
    public bool TryRead(JsonNode? node, ArgType type, string path, out object? value)
    {
        value = null;
        if (node is null || node.GetValueKind() == JsonValueKind.Null)
        {
            if (type.AcceptsNull) return true;
            return Fail(path, $"found null; accepted: {type.Describe()}");
        }
        return type.Kind switch
        {
            ArgTypeKind.Boolean => TryReadBoolean(node, type, path, out value),
            ArgTypeKind.Integer => TryReadInteger(node, type, path, out value),
            ArgTypeKind.Number => TryReadNumber(node, type, path, out value),
            ArgTypeKind.String => TryReadString(node, type, path, out value),
            ArgTypeKind.Enum => TryReadEnum(node, type, path, out value),
            ArgTypeKind.Json => TryReadJson(node, type, path, out value),
            ArgTypeKind.List => TryReadList(node, type, path, out value),
            ArgTypeKind.Map => TryReadMap(node, type, path, out value),
            _ => Fail(path, $"arg type {type} is not supported"),
        };
    }

    private bool TryReadBoolean(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        switch (node.GetValueKind())
        {
            case JsonValueKind.True: value = true; return true;
            case JsonValueKind.False: value = false; return true;
            case JsonValueKind.String when bool.TryParse(node.GetValue<string>().Trim(), out var b): value = b; return true;
            default: return Mismatch(node, type, path);
        }
    }

    private bool TryReadInteger(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        string text;
        switch (node.GetValueKind())
        {
            case JsonValueKind.Number: text = node.ToJsonString(); break;
            case JsonValueKind.String: text = node.GetValue<string>().Trim(); break;
            default: return Mismatch(node, type, path);
        }
        return TryParseInteger(text, type, out value, out var accepted) || Fail(path, $"found {ValueShapes.DescribeFound(node)}; accepted: {accepted}");
    }

    private bool TryReadNumber(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        string text;
        switch (node.GetValueKind())
        {
            case JsonValueKind.Number: text = node.ToJsonString(); break;
            case JsonValueKind.String: text = node.GetValue<string>().Trim(); break;
            default: return Mismatch(node, type, path);
        }
        return TryParseNumber(text, type, out value) || Mismatch(node, type, path);
    }

    private bool TryReadString(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        if (node.GetValueKind() != JsonValueKind.String) return Mismatch(node, type, path);
        value = node.GetValue<string>();
        return true;
    }

    private bool TryReadEnum(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        if (node.GetValueKind() != JsonValueKind.String) return Mismatch(node, type, path);
        var text = node.GetValue<string>();
        var wanted = Normalize(text);
        foreach (var member in Enum.GetNames(type.ClrType))
            if (Normalize(member) == wanted)
            {
                value = Enum.Parse(type.ClrType, member);
                return true;
            }
        return Fail(path, NameSuggestions.WithDidYouMean($"found {ValueShapes.DescribeFound(node)}; accepted: {type.Describe()}", text, type.EnumValues));

        static string Normalize(string s) => s.Replace("_", "").Replace("-", "").Trim().ToLowerInvariant();
    }

    private bool TryReadJson(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        var fits = type.ClrType == typeof(JsonNode) ||
                   (type.ClrType == typeof(JsonObject) && node is JsonObject) ||
                   (type.ClrType == typeof(JsonArray) && node is JsonArray) ||
                   (type.ClrType == typeof(JsonValue) && node is JsonValue);
        if (!fits) return Mismatch(node, type, path);
        // A copy, so a component that edits its JSON cannot change the spec another component is built from.
        value = node.DeepClone();
        return true;
    }

    private bool TryReadList(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        var element = type.Element!;
        var items = new List<object?>();
        var ok = true;
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    ok &= TryRead(array[i], element, JsonPaths.Index(path, i), out var item);
                    items.Add(item);
                }
                break;
            case JsonValue when node.GetValueKind() == JsonValueKind.String && element.Kind is ArgTypeKind.Integer or ArgTypeKind.Number:
                ok = TryReadNumberListString(node.GetValue<string>(), element, type, path, items);
                break;
            case JsonValue when Fits(node, element):
                // A single value stands for a one-element list ("fields": "image").
                ok = TryRead(node, element, path, out var single);
                items.Add(single);
                break;
            default:
                return Mismatch(node, type, path);
        }
        if (!ok) return false;
        value = CreateList(type, items);
        return true;
    }

    private bool TryReadNumberListString(string text, ArgType element, ArgType listType, string path, List<object?> items)
    {
        var body = text.Trim();
        if (body.Length >= 2 && (body[0], body[^1]) is ('[', ']') or ('(', ')')) body = body[1..^1];
        if (body.Trim().Length == 0) return true;
        var parts = body.Split(',');
        var ok = true;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            object? item;
            var parsed = element.Kind == ArgTypeKind.Integer
                ? TryParseInteger(part, element, out item, out _)
                : TryParseNumber(part, element, out item);
            if (!parsed)
            {
                ok = Fail(path, $"element {i} (\"{part}\") of \"{text}\" is not {(element.Kind == ArgTypeKind.Integer ? "an integer" : "a number")}; accepted: {listType.Describe()}");
                continue;
            }
            items.Add(item);
        }
        return ok;
    }

    private bool TryReadMap(JsonNode node, ArgType type, string path, out object? value)
    {
        value = null;
        if (node is not JsonObject obj) return Mismatch(node, type, path);
        var valueClr = type.ClrType.GetGenericArguments()[1];
        var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueClr))!;
        var ok = true;
        foreach (var (key, child) in obj)
        {
            if (TryRead(child, type.Element!, JsonPaths.Property(path, key), out var item)) map[key] = item;
            else ok = false;
        }
        value = map;
        return ok;
    }

    private static object CreateList(ArgType type, List<object?> items)
    {
        var clr = type.ClrType;
        var elementClr = clr.IsArray ? clr.GetElementType()! : clr.GetGenericArguments()[0];
        var array = Array.CreateInstance(elementClr, items.Count);
        for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
        // Interfaces (IReadOnlyList<T>, IEnumerable<T>, …) are satisfied by the array; concrete collections copy it.
        return clr.IsArray || clr.IsInterface ? array : Activator.CreateInstance(clr, array)!;
    }

    /// <summary>True when <paramref name="node"/> converts to <paramref name="type"/>; nothing is recorded.</summary>
    private static bool Fits(JsonNode node, ArgType type) => new ArgValueReader("", new ConfigProblems()).TryRead(node, type, "", out _);

    private static bool TryParseInteger(string text, ArgType type, out object? value, out string accepted)
    {
        value = null;
        var (min, max) = type.IntegerRange;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)) { }
        else if (double.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18)
            whole = (long)d;
        else
        {
            accepted = type.Describe();
            return false;
        }
        if (whole < min || whole > max)
        {
            accepted = $"integer from {min} to {max}";
            return false;
        }
        value = Convert.ChangeType(whole, type.ClrType, CultureInfo.InvariantCulture);
        accepted = "";
        return true;
    }

    private static bool TryParseNumber(string text, ArgType type, out object? value)
    {
        value = null;
        if (type.ClrType == typeof(decimal))
        {
            if (!decimal.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out var m)) return false;
            value = m;
            return true;
        }
        if (!double.TryParse(text, NumberStyle, CultureInfo.InvariantCulture, out var d)) return false;
        value = type.ClrType == typeof(float) ? (object)(float)d : d;
        return true;
    }

    private bool Mismatch(JsonNode node, ArgType type, string path) =>
        Fail(path, $"found {ValueShapes.DescribeFound(node)}; accepted: {type.Describe()}");

    private bool Fail(string path, string message)
    {
        problems.Error(file, path, message);
        return false;
    }
}
