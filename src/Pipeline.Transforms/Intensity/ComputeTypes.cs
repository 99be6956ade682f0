using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>The floating type an intensity transform computes and stores its result in.</summary>
/// <remarks>
/// float64 data stay float64 (no silent precision loss); every other type (integers, float16, bfloat16) becomes float32,
/// MONAI's default <c>dtype</c> for intensity transforms. Random transforms convert even when they do not fire, so every
/// sample of a run leaves them with the same type and samples can be stacked into a batch.
/// </remarks>
public static class ComputeTypes
{
    /// <summary>float64 for float64 data, float32 otherwise.</summary>
    public static ScalarType For(Tensor data) => data.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;

    /// <summary>The data as a new tensor of their compute type, never sharing storage with <paramref name="data"/>, so callers may work in place.</summary>
    public static Tensor Copy(Tensor data) => data.to_type(For(data), copy: true);
}
