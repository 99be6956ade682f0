using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Field plumbing shared by the label and utility transforms: writing derived fields in the source's form, and data errors that name field, transform and sample.</summary>
internal static class FieldImages
{
    /// <summary>True when the field holds an <see cref="ImageBatch"/> (crops), so fields derived from it must be batches too.</summary>
    public static bool IsBatch(TransformContext context, string field) => context.Get(field) is ImageBatch;

    /// <summary>Sets <paramref name="field"/> to a batch when <paramref name="asBatch"/>, else to the single image.</summary>
    /// <remarks>
    /// <see cref="TransformContext.SetImages"/> decides by the target's previous content, which is wrong for a new field derived
    /// from a one-crop batch: that must stay a batch so later batch transforms treat all derived fields alike.
    /// </remarks>
    public static void Set(TransformContext context, string field, IReadOnlyList<MedicalImage> images, bool asBatch)
    {
        if (!asBatch && images.Count != 1) throw new ArgumentException("a plain field holds exactly one image", nameof(images));
        context.Set(field, asBatch ? new ImageBatch(images) : images[0]);
    }

    /// <summary>
    /// Derives several fields from one: <paramref name="split"/> turns each image of <paramref name="field"/> into one tensor per
    /// output (tensors it moved out of its dispose scope), which become images with the source's affine and properties.
    /// A batch source gives batch outputs. Nothing is stored unless every image splits.
    /// </summary>
    public static void Split(TransformContext context, string requestedBy, string field, IReadOnlyList<string> outputs,
        Func<MedicalImage, Tensor[]> split)
    {
        var sources = context.GetImages(field, requestedBy);
        var asBatch = IsBatch(context, field);
        var made = outputs.Select(_ => new List<MedicalImage>()).ToArray();
        try
        {
            foreach (var image in sources)
            {
                var parts = split(image);
                for (var f = 0; f < outputs.Count; f++) made[f].Add(image.With(parts[f]));
            }
        }
        catch
        {
            DisposeAll(made);
            throw;
        }
        SetAll(context, outputs, made, asBatch);
    }

    /// <summary>Sets each named output field; outputs are computed before any is set, so an output may replace its own source.</summary>
    public static void SetAll(TransformContext context, IReadOnlyList<string> fields, List<MedicalImage>[] images, bool asBatch)
    {
        for (var f = 0; f < fields.Count; f++) Set(context, fields[f], images[f], asBatch);
    }

    /// <summary>Disposes images made for outputs that were never stored, after a failure part-way.</summary>
    public static void DisposeAll(IEnumerable<IEnumerable<MedicalImage>> images)
    {
        foreach (var list in images)
        foreach (var image in list)
            image.Dispose();
    }

    /// <summary>An error about the content of a field (wrong channel count, non-label values, …) that names the field, the transform and the sample.</summary>
    public static SampleFieldException Problem(TransformContext context, string requestedBy, string field, string problem) =>
        new($"{requestedBy}: field '{field}' of sample {context.Sample.Index} ({context.Sample.Description}) {problem}");

    /// <summary>Throws unless the image has one channel (a label map).</summary>
    public static void RequireSingleChannel(TransformContext context, string requestedBy, string field, MedicalImage image, string why)
    {
        if (image.Channels != 1)
            throw Problem(context, requestedBy, field, $"has {image.Channels} channels; {why}");
    }
}
