using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Loading;

/// <summary>The <c>dtype</c> arg of the loaders: the voxel type images are converted to after reading.</summary>
internal static class LoadedDataTypes
{
    private static readonly Dictionary<string, ScalarType?> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["float32"] = ScalarType.Float32, ["float64"] = ScalarType.Float64, ["float16"] = ScalarType.Float16,
        ["uint8"] = ScalarType.Byte, ["int8"] = ScalarType.Int8, ["int16"] = ScalarType.Int16,
        ["int32"] = ScalarType.Int32, ["int64"] = ScalarType.Int64, ["native"] = null,
    };

    /// <summary>The type named by <paramref name="dtype"/>, or null for "native" (keep the file's type).</summary>
    /// <exception cref="ConfigArgException">The name is not one of the accepted ones.</exception>
    public static ScalarType? Parse(string dtype, string arg = "dtype") =>
        Types.TryGetValue(dtype, out var type)
            ? type
            : throw new ConfigArgException(arg, $"unknown dtype '{dtype}'; accepted: {string.Join(", ", Types.Keys)}");
}
