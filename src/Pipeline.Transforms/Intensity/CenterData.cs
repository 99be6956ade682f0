using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>Standardises each channel: subtracts its mean and divides by its standard deviation over all voxels.</summary>
/// <remarks>
/// Clara lists the transform without documenting it; this follows MONAI's <c>NormalizeIntensity(channel_wise=True)</c>:
/// per-channel mean and population standard deviation (ddof = 0), a standard deviation of 0 replaced by 1. The result is
/// float32 (float64 data stay float64); statistics are computed in that type.
/// </remarks>
[Component(ComponentKind.Transform, "CenterData")]
public sealed class CenterData : ITransform, IDeclaresFields
{
    private readonly string[] _fields;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to standardise.</param>
    public CenterData(string[] fields) => _fields = TransformArgs.Fields(fields);

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
            ImageFields.Map(context, field, nameof(CenterData), image => Center(image.Data));
    }

    /// <summary>The standardised copy of channels-first <paramref name="data"/> [C, spatial...]; the input is not modified.</summary>
    public static Tensor Center(Tensor data)
    {
        var result = ComputeTypes.Copy(data);
        using var scope = NewDisposeScope();
        var spatialDims = Enumerable.Range(1, (int)data.dim() - 1).Select(d => (long)d).ToArray();
        var (std, mean) = std_mean(result, spatialDims, unbiased: false, keepdim: true);
        result.sub_(mean).div_(where(std.EqualTo(0), ones_like(std), std));
        return result;
    }
}
