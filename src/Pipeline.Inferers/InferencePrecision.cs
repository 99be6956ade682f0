using Pipeline.Components;
using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>The <c>precision</c> arg of the inferers: the dtype the network and its input windows run in (stitching stays float32).</summary>
public static class InferencePrecision
{
    /// <summary>Accepted spellings.</summary>
    public static readonly IReadOnlyList<string> Names = ["fp32", "bf16", "fp16"];

    /// <summary>fp32 → Float32, bf16 → BFloat16, fp16 → Float16 (CUDA only); anything else is a <see cref="ConfigArgException"/> at <paramref name="arg"/>.</summary>
    public static ScalarType Parse(string precision, string arg = "precision") => precision switch
    {
        "fp32" => ScalarType.Float32,
        "bf16" => ScalarType.BFloat16,
        "fp16" => ScalarType.Float16,
        _ => throw new ConfigArgException(arg, $"must be one of {string.Join(", ", Names)}; got '{precision}'"),
    };

    /// <summary>Throws when <paramref name="dtype"/> cannot run on <paramref name="device"/>: fp16 convolutions are a GPU format, and libtorch's CPU kernels for them are missing or very slow.</summary>
    public static void CheckDevice(ScalarType dtype, Device device)
    {
        if (dtype == ScalarType.Float16 && device.type == TorchSharp.DeviceType.CPU)
            throw new InvalidOperationException("precision fp16 needs the network on a CUDA device; on CPU use bf16 (same memory, hardware-supported here)");
    }

    /// <summary>The config spelling of <paramref name="dtype"/> (fp32, bf16), or the dtype's name for others.</summary>
    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => dtype.ToString(),
    };
}
