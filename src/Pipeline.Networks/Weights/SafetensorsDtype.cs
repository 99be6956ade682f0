using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>The safetensors dtype names this reader and writer support, and their torch equivalents.</summary>
public static class SafetensorsDtype
{
    // Rank in the Rust library's Dtype enum; its writer lays data out by descending rank, then by name.
    private static readonly (string Name, ScalarType Type, int Size, int Rank)[] Table =
    [
        ("BOOL", ScalarType.Bool, 1, 0),
        ("U8", ScalarType.Byte, 1, 1),
        ("I8", ScalarType.Int8, 1, 2),
        ("I16", ScalarType.Int16, 2, 3),
        ("F16", ScalarType.Float16, 2, 4),
        ("BF16", ScalarType.BFloat16, 2, 5),
        ("I32", ScalarType.Int32, 4, 6),
        ("F32", ScalarType.Float32, 4, 7),
        ("F64", ScalarType.Float64, 8, 8),
        ("I64", ScalarType.Int64, 8, 9),
    ];

    /// <summary>All supported dtype names.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The torch type and element size for a safetensors dtype name, or false if unsupported.</summary>
    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        foreach (var entry in Table)
            if (entry.Name == name)
            {
                (type, size) = (entry.Type, entry.Size);
                return true;
            }
        (type, size) = (default, 0);
        return false;
    }

    /// <summary>The safetensors name, element size and layout rank of a torch type.</summary>
    public static (string Name, int Size, int Rank) Of(ScalarType type)
    {
        foreach (var entry in Table)
            if (entry.Type == type) return (entry.Name, entry.Size, entry.Rank);
        throw new ArgumentException($"safetensors has no dtype for torch {type}", nameof(type));
    }
}
