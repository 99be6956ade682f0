using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>The <c>precision</c> arg of the inferers: the dtype the network and its input windows run in (stitching stays float32).</summary>
public static class InferencePrecision
{
    /// <summary>Accepted spellings.</summary>
    public static readonly IReadOnlyList<string> Names = ["fp32", "bf16"];

    /// <summary>fp32 → Float32, bf16 → BFloat16; anything else is a <see cref="ConfigArgException"/> at <paramref name="arg"/>.</summary>
    public static ScalarType Parse(string precision, string arg = "precision") => precision switch
    {
        "fp32" => ScalarType.Float32,
        "bf16" => ScalarType.BFloat16,
        _ => throw new ConfigArgException(arg, $"must be one of {string.Join(", ", Names)}; got '{precision}'"),
    };

    /// <summary>The config spelling of <paramref name="dtype"/> (fp32, bf16), or the dtype's name for others.</summary>
    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        _ => dtype.ToString(),
    };
}
