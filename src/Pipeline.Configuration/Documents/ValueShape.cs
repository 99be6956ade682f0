using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Documents;

/// <summary>The JSON type a known global or variable must have.</summary>
public enum ValueShape
{
    /// <summary>Any JSON value.</summary>
    Any,
    /// <summary>A whole number (<c>5</c>, also <c>5.0</c>).</summary>
    Integer,
    /// <summary>Any number.</summary>
    Number,
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary>A string.</summary>
    String,
    /// <summary>A JSON object.</summary>
    Object,
    /// <summary>A JSON array.</summary>
    List,
}

/// <summary>Checks and describes <see cref="ValueShape"/>s and JSON values for messages.</summary>
public static class ValueShapes
{
    /// <summary>True when <paramref name="node"/> has the shape.</summary>
    public static bool Matches(this ValueShape shape, JsonNode? node) => shape switch
    {
        ValueShape.Any => true,
        ValueShape.Integer => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && IsWhole(v),
        ValueShape.Number => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
        ValueShape.Boolean => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        ValueShape.String => node is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        ValueShape.Object => node is JsonObject,
        ValueShape.List => node is JsonArray,
        _ => false,
    };

    /// <summary>"an integer", "true or false", … for "accepted: …" messages.</summary>
    public static string Describe(this ValueShape shape) => shape switch
    {
        ValueShape.Integer => "an integer",
        ValueShape.Number => "a number",
        ValueShape.Boolean => "true or false",
        ValueShape.String => "a string",
        ValueShape.Object => "an object",
        ValueShape.List => "a list",
        _ => "any JSON value",
    };

    /// <summary>What was found, with the value when it is short: <c>string "yes"</c>, <c>a list</c>, <c>null</c>.</summary>
    public static string DescribeFound(JsonNode? node)
    {
        switch (node)
        {
            case null: return "null";
            case JsonObject: return "an object";
            case JsonArray: return "a list";
        }
        var text = node.ToJsonString();
        if (text.Length > 60) text = text[..57] + "...";
        return node.GetValueKind() switch
        {
            JsonValueKind.String => $"string {text}",
            JsonValueKind.Number => $"number {text}",
            _ => text,
        };
    }

    private static bool IsWhole(JsonValue value) => JsonNumbers.TryGetWhole(value, out _);
}
