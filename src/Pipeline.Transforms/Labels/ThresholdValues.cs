using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Binarises probabilities: 1 where a voxel is above the threshold, else 0, channel by channel.</summary>
/// <remarks>
/// The comparison is strict (<c>value &gt; threshold</c>), as the catalog infers for Clara; MONAI's <c>AsDiscrete(threshold=…)</c>
/// uses <c>&gt;=</c>, which differs only for values exactly at the threshold. NaN voxels become 0.
/// </remarks>
[Component(ComponentKind.Transform, "ThresholdValues")]
public sealed class ThresholdValues : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _threshold;
    private readonly ScalarType _dtype;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Fields to binarise (e.g. the sigmoid output <c>model</c>).</param>
    /// <param name="threshold">Values strictly above it become 1; a finite number.</param>
    /// <param name="dtype">Voxel type of the result: float32 (default), float64, float16, uint8, int8, int16, int32 or int64.</param>
    public ThresholdValues(string[] fields, double threshold = 0.5, string dtype = "float32")
    {
        _fields = TransformArgs.Fields(fields, "fields");
        if (!double.IsFinite(threshold)) throw new ConfigArgException("threshold", $"threshold must be a finite number, got {threshold}");
        _threshold = threshold;
        _dtype = LabelDataType.Parse(dtype);
    }

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
            context.SetImages(field, context.GetImages(field, nameof(ThresholdValues)).Select(Binarise).ToList());
    }

    private MedicalImage Binarise(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        var mask = image.Data.GreaterThan(_threshold).to_type(_dtype);
        return image.With(mask.MoveToOuterDisposeScope());
    }
}
