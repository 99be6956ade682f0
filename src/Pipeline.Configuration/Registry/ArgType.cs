using System.Collections.ObjectModel;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Pipeline.Configuration.Registry;

/// <summary>How a constructor parameter type is written in a config; the binder reads values by it and the schema generator describes it.</summary>
public sealed class ArgType
{
    private ArgType(ArgTypeKind kind, Type clrType)
    {
        Kind = kind;
        ClrType = clrType;
    }

    /// <summary>The JSON shape.</summary>
    public ArgTypeKind Kind { get; }

    /// <summary>The declared CLR type, without <see cref="Nullable{T}"/>.</summary>
    public Type ClrType { get; }

    /// <summary>True when JSON <c>null</c> is accepted (a <c>T?</c> parameter or element).</summary>
    public bool AcceptsNull { get; private set; }

    /// <summary>Element type of a <see cref="ArgTypeKind.List"/> or value type of a <see cref="ArgTypeKind.Map"/>.</summary>
    public ArgType? Element { get; private init; }

    /// <summary>Accepted config spellings (snake_case) of an <see cref="ArgTypeKind.Enum"/>, in declaration order.</summary>
    public IReadOnlyList<string> EnumValues { get; private init; } = [];

    /// <summary>Smallest and largest value of an <see cref="ArgTypeKind.Integer"/>.</summary>
    public (long Min, long Max) IntegerRange { get; private init; }

    /// <summary>For <see cref="ArgTypeKind.Json"/>: the node class the component expects (<see cref="JsonNode"/> accepts anything).</summary>
    public Type? JsonNodeType => Kind == ArgTypeKind.Json ? ClrType : null;

    private static readonly Dictionary<Type, (long Min, long Max)> IntegerTypes = new()
    {
        [typeof(byte)] = (byte.MinValue, byte.MaxValue),
        [typeof(sbyte)] = (sbyte.MinValue, sbyte.MaxValue),
        [typeof(short)] = (short.MinValue, short.MaxValue),
        [typeof(ushort)] = (ushort.MinValue, ushort.MaxValue),
        [typeof(int)] = (int.MinValue, int.MaxValue),
        [typeof(uint)] = (uint.MinValue, uint.MaxValue),
        [typeof(long)] = (long.MinValue, long.MaxValue),
    };

    /// <summary>Describes <paramref name="type"/>, or returns null when it is not config-bindable (then the parameter is a service taken from DI).</summary>
    /// <param name="type">The parameter (or element) type.</param>
    /// <param name="nullability">Nullable annotations of the parameter, to learn whether reference types (and their elements) accept null.</param>
    public static ArgType? For(Type type, NullabilityInfo? nullability = null)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        var core = underlying ?? type;

        ArgType? result;
        if (core == typeof(bool)) result = new ArgType(ArgTypeKind.Boolean, core);
        else if (IntegerTypes.TryGetValue(core, out var range)) result = new ArgType(ArgTypeKind.Integer, core) { IntegerRange = range };
        else if (core == typeof(double) || core == typeof(float) || core == typeof(decimal)) result = new ArgType(ArgTypeKind.Number, core);
        else if (core == typeof(string)) result = new ArgType(ArgTypeKind.String, core);
        else if (core.IsEnum) result = new ArgType(ArgTypeKind.Enum, core) { EnumValues = Enum.GetNames(core).Select(SnakeCase.From).ToList() };
        else if (typeof(JsonNode).IsAssignableFrom(core)) result = new ArgType(ArgTypeKind.Json, core);
        else if (ListElementType(core) is { } elementType)
        {
            var element = For(elementType, core.IsArray ? nullability?.ElementType : nullability?.GenericTypeArguments.FirstOrDefault());
            result = element is null ? null : new ArgType(ArgTypeKind.List, core) { Element = element };
        }
        else if (MapValueType(core) is { } valueType)
        {
            var element = For(valueType, nullability?.GenericTypeArguments.ElementAtOrDefault(1));
            result = element is null ? null : new ArgType(ArgTypeKind.Map, core) { Element = element };
        }
        else result = null;

        // Reference types accept null only when annotated T?; nullable-oblivious code gets the strict reading.
        if (result is not null)
            result.AcceptsNull = underlying is not null || (!type.IsValueType && nullability?.ReadState == NullabilityState.Nullable);
        return result;
    }

    /// <summary>Element type when <paramref name="type"/> is an array or a list interface an array (or <see cref="List{T}"/>) satisfies.</summary>
    private static Type? ListElementType(Type type)
    {
        if (type.IsArray) return type.GetArrayRank() == 1 ? type.GetElementType() : null;
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) ||
               definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>) ||
               definition == typeof(ReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Type? MapValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        if (definition != typeof(Dictionary<,>) && definition != typeof(IReadOnlyDictionary<,>) && definition != typeof(IDictionary<,>)) return null;
        var args = type.GetGenericArguments();
        return args[0] == typeof(string) ? args[1] : null;
    }

    /// <summary>What a user must write, for messages: "integer", "list of integers", "one of nearest, linear", ….</summary>
    public string Describe() => Kind switch
    {
        ArgTypeKind.Boolean => "boolean (true or false)",
        ArgTypeKind.Integer => "integer",
        ArgTypeKind.Number => "number",
        ArgTypeKind.String => "string",
        ArgTypeKind.Enum => $"one of {string.Join(", ", EnumValues)}",
        ArgTypeKind.List => Element!.Kind is ArgTypeKind.Integer or ArgTypeKind.Number
            ? $"list of {Element.DescribePlural()} (or a comma-separated string such as \"32,64\")"
            : $"list of {Element.DescribePlural()}",
        ArgTypeKind.Map => $"object whose values are {Element!.DescribePlural()}",
        ArgTypeKind.Json => ClrType == typeof(JsonObject) ? "JSON object" : ClrType == typeof(JsonArray) ? "JSON list" : ClrType == typeof(JsonValue) ? "JSON value" : "any JSON",
        _ => Kind.ToString(),
    } + (AcceptsNull ? " or null" : "");

    /// <summary>Short name shown in arg listings, e.g. <c>int[]</c>, <c>string</c>, <c>interpolation</c>.</summary>
    public string ShortName => Kind switch
    {
        ArgTypeKind.Boolean => "bool",
        ArgTypeKind.Integer => "int",
        ArgTypeKind.Number => "float",
        ArgTypeKind.String => "string",
        ArgTypeKind.Enum => SnakeCase.From(ClrType.Name),
        ArgTypeKind.List => Element!.ShortName + "[]",
        ArgTypeKind.Map => $"{{string: {Element!.ShortName}}}",
        ArgTypeKind.Json => "json",
        _ => Kind.ToString(),
    } + (AcceptsNull ? "?" : "");

    private string DescribePlural() => Kind switch
    {
        ArgTypeKind.Boolean => "booleans",
        ArgTypeKind.Integer => "integers",
        ArgTypeKind.Number => "numbers",
        ArgTypeKind.String => "strings",
        _ => $"({Describe()})",
    };

    /// <inheritdoc />
    public override string ToString() => ShortName;
}
