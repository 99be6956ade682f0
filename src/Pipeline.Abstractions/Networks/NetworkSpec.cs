using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Networks;

/// <summary>Which network a checkpoint's weights belong to: its config name and args, as a config's <c>model</c> section gives them.</summary>
public sealed record NetworkSpec(string Name, JsonObject Args)
{
    /// <summary>The spec as <c>{"name": …, "args": {…}}</c>.</summary>
    public string ToJson() => new JsonObject { ["name"] = Name, ["args"] = Args.DeepClone() }.ToJsonString();

    /// <summary>Reads <c>{"name": …, "args": {…}}</c>; <paramref name="source"/> names the file in errors.</summary>
    public static NetworkSpec FromJson(string json, string source)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: the network spec is not valid JSON: {e.Message}", e);
        }
        if (node is not JsonObject obj)
            throw new FormatException($"{source}: the network spec must be a JSON object {{\"name\": \"SegResnet\", \"args\": {{…}}}}");
        if (obj["name"] is not JsonValue nameValue || nameValue.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(nameValue.GetValue<string>()))
            throw new FormatException($"{source}: \"name\" must be the network's config name, e.g. \"SegResnet\"");
        var args = obj["args"] switch
        {
            null => new JsonObject(),
            JsonObject a => (JsonObject)a.DeepClone(),
            _ => throw new FormatException($"{source}: \"args\" must be a JSON object of the network's args"),
        };
        return new NetworkSpec(nameValue.GetValue<string>(), args);
    }

    /// <summary>Value equality on name and args (JSON deep equality).</summary>
    public bool Equals(NetworkSpec? other) => other is not null && Name == other.Name && JsonNode.DeepEquals(Args, other.Args);

    /// <inheritdoc />
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}
