using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Replaces a multi-channel score or probability map with its label map: the index of the largest channel at each voxel, as one channel.</summary>
/// <remarks>
/// Follows MONAI's <c>AsDiscrete(argmax=True)</c> (Clara's own numerics are not documented): ties go to the lowest channel
/// index, a NaN counts as the largest value, and a single-channel input gives all zeros. The output is float32 by default,
/// as MONAI's; <c>dtype</c> picks another type for the class indices.
/// </remarks>
[Component(ComponentKind.Transform, "ArgmaxAcrossChannels")]
public sealed class ArgmaxAcrossChannels : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly ScalarType _dtype;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Fields holding channels-first score maps (e.g. <c>model</c>).</param>
    /// <param name="dtype">Voxel type of the label map: float32 (default), float64, float16, uint8, int8, int16, int32 or int64.</param>
    public ArgmaxAcrossChannels(string[] fields, string dtype = "float32")
    {
        _fields = TransformArgs.Fields(fields, "fields");
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
        {
            var images = context.GetImages(field, nameof(ArgmaxAcrossChannels));
            foreach (var image in images)
                if (image.Channels - 1 > LabelDataType.MaxExactIndex(_dtype))
                    throw FieldImages.Problem(context, nameof(ArgmaxAcrossChannels), field,
                        $"has {image.Channels} channels, more class indices than dtype {_dtype} holds exactly");
            context.SetImages(field, images.Select(Argmax).ToList());
        }
    }

    private MedicalImage Argmax(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        var labels = image.Data.argmax(0, keepdim: true).to_type(_dtype);
        return image.With(labels.MoveToOuterDisposeScope());
    }
}
