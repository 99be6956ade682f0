using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>Z-score normalises each channel using only its non-zero voxels; zero voxels stay zero (skull-stripped MRI such as BraTS).</summary>
/// <remarks>
/// Numerics follow MONAI's <c>NormalizeIntensity(nonzero=True, channel_wise=True)</c>, Clara's exact formula being unknown:
/// mean and population standard deviation (ddof = 0, as numpy) over the channel's non-zero voxels; a standard deviation of 0
/// is replaced by 1; a channel with no non-zero voxel is left unchanged. Statistics are accumulated in float64; the result is
/// float32 (float64 data stay float64).
/// </remarks>
[Component(ComponentKind.Transform, "NormalizeNonzeroIntensities")]
public sealed class NormalizeNonzeroIntensities : ITransform, IDeclaresFields
{
    private readonly string[] _fields;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to normalise.</param>
    public NormalizeNonzeroIntensities(string[] fields) => _fields = TransformArgs.Fields(fields);

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(NormalizeNonzeroIntensities), image => Normalize(image.Data));
    }

    /// <summary>The normalised copy of channels-first <paramref name="data"/> [C, spatial...]; the input is not modified.</summary>
    public static Tensor Normalize(Tensor data)
    {
        var result = ComputeTypes.Copy(data);
        for (long c = 0; c < result.shape[0]; c++)
        {
            using var scope = NewDisposeScope();
            var channel = result[c];
            var mask = channel.NotEqualTo(0);
            var count = mask.sum().ToInt64();
            if (count == 0) continue;
            // Excluded voxels are exactly 0, so the channel's sum is the sum over the non-zero voxels; masking the deviations
            // gives their squares without masked_select's copy (several times slower on a volume). Sums accumulate in float64.
            var mean = channel.sum(type: ScalarType.Float64).ToDouble() / count;
            var deviations = channel.Minus(mean).mul_(mask);
            var squares = deviations.mul_(deviations).sum(type: ScalarType.Float64).ToDouble();
            var std = squares == 0 ? 1 : Math.Sqrt(squares / count);
            // Zeros stay zero: (0 − mean) / std · false = 0, and every other voxel is multiplied by true.
            channel.MinusInPlace(mean).DividedByInPlace(std).mul_(mask);
        }
        return result;
    }
}
