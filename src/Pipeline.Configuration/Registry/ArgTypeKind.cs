namespace Pipeline.Configuration.Registry;

/// <summary>The JSON shape a config arg takes.</summary>
public enum ArgTypeKind
{
    /// <summary><c>true</c>/<c>false</c>.</summary>
    Boolean,
    /// <summary>A whole number (a number with an integral value, or a numeric string).</summary>
    Integer,
    /// <summary>Any number (or a numeric string).</summary>
    Number,
    /// <summary>A string.</summary>
    String,
    /// <summary>One of a fixed set of names (snake_case or PascalCase).</summary>
    Enum,
    /// <summary>A list; also a single element, and for numbers a comma-separated string.</summary>
    List,
    /// <summary>An object with string keys and values of one type.</summary>
    Map,
    /// <summary>Raw JSON handed to the component as a <see cref="System.Text.Json.Nodes.JsonNode"/>.</summary>
    Json,
}
