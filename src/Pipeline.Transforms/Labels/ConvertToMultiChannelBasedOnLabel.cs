using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>One-hot encodes a label map: channel i is 1 where the label equals the i-th label value.</summary>
/// <remarks>
/// The label values are either listed (<c>labels</c>, any numbers, in channel order) or 0..num_classes−1
/// (<c>num_classes</c>, MONAI's <c>AsDiscrete(to_onehot=n)</c>). Unlike MONAI, a voxel whose value is not listed is 0 in
/// every channel rather than an error. Output float32 by default, as MONAI's.
/// </remarks>
[Component(ComponentKind.Transform, "ConvertToMultiChannelBasedOnLabel")]
public sealed class ConvertToMultiChannelBasedOnLabel : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double[] _labels;
    private readonly ScalarType _dtype;

    /// <summary>Creates the transform; give exactly one of <paramref name="labels"/> and <paramref name="numClasses"/>.</summary>
    /// <param name="fields">Fields holding single-channel label maps.</param>
    /// <param name="labels">Label values, one channel each, in channel order.</param>
    /// <param name="numClasses">Number of classes: channels for the values 0..num_classes−1.</param>
    /// <param name="dtype">Voxel type of the result: float32 (default), float64, float16, uint8, int8, int16, int32 or int64.</param>
    public ConvertToMultiChannelBasedOnLabel(string[] fields, double[]? labels = null, int? numClasses = null, string dtype = "float32")
    {
        _fields = TransformArgs.Fields(fields, "fields");
        _labels = (labels, numClasses) switch
        {
            (null, null) => throw new ConfigArgException("labels", "give either labels (the label values, one channel each) or num_classes"),
            (not null, not null) => throw new ConfigArgException("num_classes", "give either labels or num_classes, not both"),
            (null, { } n) => n >= 1 ? Enumerable.Range(0, n).Select(v => (double)v).ToArray()
                : throw new ConfigArgException("num_classes", $"num_classes must be at least 1, got {n}"),
            ({ } list, null) => ValidLabels(list),
        };
        _dtype = LabelDataType.Parse(dtype);
    }

    private static double[] ValidLabels(double[] labels)
    {
        if (labels.Length == 0) throw new ConfigArgException("labels", "list at least one label value");
        for (var i = 0; i < labels.Length; i++)
        {
            if (!double.IsFinite(labels[i])) throw new ConfigArgException($"labels[{i}]", $"label values must be finite numbers, got {labels[i]}");
            if (Array.IndexOf(labels, labels[i], 0, i) >= 0) throw new ConfigArgException($"labels[{i}]", $"label value {labels[i]} is listed twice");
        }
        return labels;
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
            var images = context.GetImages(field, nameof(ConvertToMultiChannelBasedOnLabel));
            foreach (var image in images)
                FieldImages.RequireSingleChannel(context, nameof(ConvertToMultiChannelBasedOnLabel), field, image, "a label map has one");
            context.SetImages(field, images.Select(OneHot).ToList());
        }
    }

    private MedicalImage OneHot(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        var labels = image.Data.select(0, 0);
        var channels = stack(_labels.Select(v => labels.EqualTo(v)).ToArray(), 0).to_type(_dtype);
        return image.With(channels.MoveToOuterDisposeScope());
    }
}
