using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Splits a label map into binary masks, one new field per label value: field <c>label_names[i]</c> is 1 where the label is i.</summary>
/// <remarks>
/// Semantics inferred from Clara configs, where <c>pred_class0..2</c> / <c>label_class0..2</c> feed per-class Dice: values
/// 0..k−1 map to the k names in order; other values appear in no mask. The source field is kept (unless it is also named
/// in <c>label_names</c>). Masks are float32 by default.
/// </remarks>
[Component(ComponentKind.Transform, "SplitBasedOnLabel")]
public sealed class SplitBasedOnLabel : ITransform, IDeclaresFields
{
    private readonly string _field;
    private readonly string[] _labelNames;
    private readonly ScalarType _dtype;

    /// <summary>Creates the transform.</summary>
    /// <param name="field">Field holding a single-channel label map.</param>
    /// <param name="labelNames">Names of the new mask fields, for label values 0, 1, … in order.</param>
    /// <param name="dtype">Voxel type of the masks: float32 (default), float64, float16, uint8, int8, int16, int32 or int64.</param>
    public SplitBasedOnLabel(string field, string[] labelNames, string dtype = "float32")
    {
        _field = TransformArgs.Field(field, "field");
        _labelNames = TransformArgs.Fields(labelNames, "label_names");
        _dtype = LabelDataType.Parse(dtype);
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => [_field];

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _labelNames;

    /// <inheritdoc />
    public string FieldsArg => "field";

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        FieldImages.Split(context, nameof(SplitBasedOnLabel), _field, _labelNames, image =>
        {
            FieldImages.RequireSingleChannel(context, nameof(SplitBasedOnLabel), _field, image, "a label map has one (apply ArgmaxAcrossChannels first)");
            return Masks(image);
        });

    private Tensor[] Masks(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        return Enumerable.Range(0, _labelNames.Length)
            .Select(value => image.Data.EqualTo(value).to_type(_dtype).MoveToOuterDisposeScope())
            .ToArray();
    }
}
