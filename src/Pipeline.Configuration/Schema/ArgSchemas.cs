using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Configuration.Registry;

namespace Pipeline.Configuration.Schema;

/// <summary>JSON Schema (draft-07) fragments for component args, accepting the same loose forms as the binder.</summary>
internal static class ArgSchemas
{
    /// <summary>A whole string that is one variable token, e.g. <c>"{ROI_SIZE}"</c>: raw configs may hold one where a value is expected.</summary>
    public const string VariablePattern = @"^\{[A-Za-z_][A-Za-z0-9_]*\}$";

    private const string Number = @"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?";
    private const string NumericStringPattern = @"^\s*" + Number + @"\s*$";
    private const string NumberListStringPattern = @"^\s*[\[(]?\s*(?:" + Number + @"(?:\s*,\s*" + Number + @")*)?\s*[\])]?\s*$";

    /// <summary>The schema of one arg, with description and default.</summary>
    public static JsonObject ForParameter(ComponentParameter parameter)
    {
        var schema = ForType(parameter.ArgType!);
        if (parameter.Description is { } description) schema["description"] = description;
        if (parameter.HasDefault && DefaultJson(parameter.DefaultValue) is { } value) schema["default"] = value;
        return schema;
    }

    /// <summary>The schema of a value of <paramref name="type"/>.</summary>
    public static JsonObject ForType(ArgType type)
    {
        var alternatives = type.Kind switch
        {
            ArgTypeKind.Boolean => [new JsonObject { ["type"] = "boolean" }, new JsonObject { ["type"] = "string", ["enum"] = Array("true", "false", "True", "False") }],
            ArgTypeKind.Integer => [new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "number", ["multipleOf"] = 1 }, NumericString()],
            ArgTypeKind.Number => [new JsonObject { ["type"] = "number" }, NumericString()],
            ArgTypeKind.String => [new JsonObject { ["type"] = "string" }],
            ArgTypeKind.Enum => [new JsonObject
            {
                ["type"] = "string",
                ["enum"] = Array(type.EnumValues.Concat(Enum.GetNames(type.ClrType)).Distinct().ToArray()),
            }],
            ArgTypeKind.List => ListAlternatives(type),
            ArgTypeKind.Map => [new JsonObject { ["type"] = "object", ["additionalProperties"] = ForType(type.Element!) }],
            ArgTypeKind.Json => [JsonNodeSchema(type.ClrType)],
            _ => new List<JsonObject> { new() },
        };
        if (type.Kind is not (ArgTypeKind.String or ArgTypeKind.Json)) alternatives.Add(new JsonObject { ["type"] = "string", ["pattern"] = VariablePattern });
        if (type.AcceptsNull) alternatives.Add(new JsonObject { ["type"] = "null" });
        return alternatives.Count == 1 ? alternatives[0] : new JsonObject { ["anyOf"] = new JsonArray([.. alternatives]) };
    }

    private static List<JsonObject> ListAlternatives(ArgType type)
    {
        var element = type.Element!;
        var list = new List<JsonObject>
        {
            new() { ["type"] = "array", ["items"] = ForType(element) },
            // A single element stands for a one-element list ("fields": "image").
            ForType(element),
        };
        if (element.Kind is ArgTypeKind.Integer or ArgTypeKind.Number)
            list.Add(new JsonObject { ["type"] = "string", ["pattern"] = NumberListStringPattern });
        return list;
    }

    private static JsonObject NumericString() => new() { ["type"] = "string", ["pattern"] = NumericStringPattern };

    private static JsonObject JsonNodeSchema(Type clr) =>
        clr == typeof(JsonObject) ? new JsonObject { ["type"] = "object" }
        : clr == typeof(JsonArray) ? new JsonObject { ["type"] = "array" }
        : clr == typeof(JsonValue) ? new JsonObject { ["type"] = Array("string", "number", "boolean") }
        : new JsonObject();

    private static JsonNode? DefaultJson(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        Enum e => SnakeCase.From(e.ToString()),
        int or long or short or byte or sbyte or ushort or uint => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float or double or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        _ => null,
    };

    private static JsonArray Array(params string[] values) => new([.. values.Select(v => (JsonNode)v)]);
}
