using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Turns a BraTS label map (1 necrotic core, 2 oedema, 4 enhancing tumour) into binary channels TC = 1|4, WT = 1|2|4, ET = 4, in that order.</summary>
/// <remarks>
/// Numerics are MONAI's <c>ConvertToMultiChannelBasedOnBratsClasses</c>; output float32 as MONAI's. <c>class_names</c> (from
/// Clara's <c>BratsLabelToMultiChannelConverter(class_names)</c>) selects and orders the channels; other label values
/// (e.g. 3) belong to no class.
/// </remarks>
[Component(ComponentKind.Transform, "ConvertToMultiChannelBasedOnBratsClasses")]
public sealed class ConvertToMultiChannelBasedOnBratsClasses : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly BratsClass[] _classes;
    private readonly ScalarType _dtype;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Fields holding single-channel BraTS label maps.</param>
    /// <param name="classNames">Channels to build, in order; default TC, WT, ET.</param>
    /// <param name="dtype">Voxel type of the result: float32 (default), float64, float16, uint8, int8, int16, int32 or int64.</param>
    public ConvertToMultiChannelBasedOnBratsClasses(string[] fields, string[]? classNames = null, string dtype = "float32")
    {
        _fields = TransformArgs.Fields(fields, "fields");
        _classes = BratsClasses.Parse(classNames);
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
            var images = context.GetImages(field, nameof(ConvertToMultiChannelBasedOnBratsClasses));
            foreach (var image in images)
                FieldImages.RequireSingleChannel(context, nameof(ConvertToMultiChannelBasedOnBratsClasses), field, image, "a BraTS label map has one");
            context.SetImages(field, images.Select(Convert).ToList());
        }
    }

    private MedicalImage Convert(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        var labels = image.Data.select(0, 0);
        var channels = stack(_classes.Select(c => BratsClasses.Mask(labels, c)).ToArray(), 0).to_type(_dtype);
        return image.With(channels.MoveToOuterDisposeScope());
    }
}
