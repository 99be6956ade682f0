using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>The <c>dtype</c> arg of the label transforms: the voxel type of the masks and label maps they produce.</summary>
internal static class LabelDataType
{
    private static readonly Dictionary<string, ScalarType> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["float32"] = ScalarType.Float32, ["float64"] = ScalarType.Float64, ["float16"] = ScalarType.Float16,
        ["uint8"] = ScalarType.Byte, ["int8"] = ScalarType.Int8, ["int16"] = ScalarType.Int16,
        ["int32"] = ScalarType.Int32, ["int64"] = ScalarType.Int64,
    };

    /// <summary>The tensor type named by <paramref name="name"/>.</summary>
    /// <exception cref="ConfigArgException">The name is not one of the accepted types.</exception>
    public static ScalarType Parse(string name, string arg = "dtype") =>
        Types.TryGetValue(name.Trim(), out var type)
            ? type
            : throw new ConfigArgException(arg, $"unknown dtype '{name}'; accepted: {string.Join(", ", Types.Keys)}");

    /// <summary>The largest class index the type holds exactly.</summary>
    public static long MaxExactIndex(ScalarType type) => type switch
    {
        ScalarType.Byte => byte.MaxValue,
        ScalarType.Int8 => sbyte.MaxValue,
        ScalarType.Int16 => short.MaxValue,
        ScalarType.Float16 => 2048,
        ScalarType.Float32 => 1L << 24,
        ScalarType.Int32 => int.MaxValue,
        _ => long.MaxValue,
    };
}
