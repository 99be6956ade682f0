using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Splits BraTS regions into separate single-channel fields, from a BraTS label map or from a 3-channel TC/WT/ET map.</summary>
/// <remarks>
/// Clara's args are undocumented (its library class is <c>BratsLabelToMultiImageSplitter(class_names, dtype)</c>); here:
/// a one-channel input is read as BraTS label values (1, 2, 4) and each class mask is built as
/// <see cref="ConvertToMultiChannelBasedOnBratsClasses"/> does; a three-channel input is read as channels TC, WT, ET (the
/// output of that converter, or thresholded network output) and the selected channels are copied, values unchanged —
/// threshold probabilities first. Output field names default to <c>{field}_{class}</c>, e.g. <c>label_TC</c>.
/// </remarks>
[Component(ComponentKind.Transform, "SplitBasedOnBratsClasses")]
public sealed class SplitBasedOnBratsClasses : ITransform, IDeclaresFields
{
    private readonly string _field;
    private readonly BratsClass[] _classes;
    private readonly string[] _outputs;
    private readonly ScalarType _dtype;

    /// <summary>Creates the transform.</summary>
    /// <param name="field">Field holding a BraTS label map or a TC/WT/ET 3-channel map.</param>
    /// <param name="classNames">Classes to extract, in order; default TC, WT, ET.</param>
    /// <param name="outputFields">Names of the new fields, one per class; default <c>{field}_{class}</c>.</param>
    /// <param name="dtype">Voxel type of the masks: float32 (default), float64, float16, uint8, int8, int16, int32 or int64.</param>
    public SplitBasedOnBratsClasses(string field, string[]? classNames = null, string[]? outputFields = null, string dtype = "float32")
    {
        _field = TransformArgs.Field(field, "field");
        _classes = BratsClasses.Parse(classNames);
        _outputs = outputFields is null
            ? _classes.Select(c => $"{_field}_{BratsClasses.Name(c)}").ToArray()
            : TransformArgs.Fields(outputFields, "output_fields");
        if (_outputs.Length != _classes.Length)
            throw new ConfigArgException("output_fields", $"give one field name per class: {_classes.Length} classes, {_outputs.Length} names");
        _dtype = LabelDataType.Parse(dtype);
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => [_field];

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _outputs;

    /// <inheritdoc />
    public string FieldsArg => "field";

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        FieldImages.Split(context, nameof(SplitBasedOnBratsClasses), _field, _outputs, image =>
        {
            if (image.Channels != 1 && image.Channels != 3)
                throw FieldImages.Problem(context, nameof(SplitBasedOnBratsClasses), _field,
                    $"has {image.Channels} channels; expected 1 (BraTS label values) or 3 (TC, WT, ET)");
            return Masks(image);
        });

    private Tensor[] Masks(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        return _classes.Select(c =>
        {
            var mask = image.Channels == 1
                ? BratsClasses.Mask(image.Data, c)
                : image.Data.narrow(0, BratsClasses.StandardIndex(c), 1);
            // A copy either way, so the new field never shares storage with the source.
            var copy = mask.dtype == _dtype ? mask.clone() : mask.to_type(_dtype);
            return copy.MoveToOuterDisposeScope();
        }).ToArray();
    }
}
