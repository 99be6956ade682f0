using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Crops;

/// <summary>Runs a crop over several fields of a sample so that all fields get the same crops, also when fields hold an <see cref="ImageBatch"/>.</summary>
/// <remarks>
/// Item j of every field (the image itself for a plain field, the j-th crop of a batch) is one volume: the crops are
/// planned once per volume from the images of all fields at j, then cut from each field with the same plan. A field's
/// result is the crops of item 0, then those of item 1, and so on.
/// </remarks>
internal static class FieldCropper
{
    /// <summary>Crops <paramref name="fields"/> in place.</summary>
    /// <typeparam name="TPlan">What one crop needs to be cut identically from every field (a window, a sampling grid…); disposed after use when disposable.</typeparam>
    /// <param name="context">The sample.</param>
    /// <param name="fields">Distinct field names; the images passed to <paramref name="plan"/> come in this order.</param>
    /// <param name="requestedBy">Transform name for messages.</param>
    /// <param name="plan">Plans the crops of volume j (the item index) from its images, one per field.</param>
    /// <param name="cut">Cuts one crop from the image of field number <c>fieldIndex</c>; returns a new image.</param>
    /// <param name="alwaysBatch">Store an <see cref="ImageBatch"/> even for a single crop (batching crops).</param>
    public static void Apply<TPlan>(
        TransformContext context,
        IReadOnlyList<string> fields,
        string requestedBy,
        Func<int, IReadOnlyList<MedicalImage>, IReadOnlyList<TPlan>> plan,
        Func<int, MedicalImage, TPlan, MedicalImage> cut,
        bool alwaysBatch)
    {
        var inputs = fields.Select(f => context.GetImages(f, requestedBy)).ToList();
        var items = inputs[0].Count;
        for (var f = 1; f < fields.Count; f++)
            if (inputs[f].Count != items)
                throw new InvalidOperationException(
                    $"{requestedBy}: field '{fields[f]}' holds {inputs[f].Count} images but '{fields[0]}' holds {items} in sample {Describe(context.Sample)}; fields cropped together must match");

        var outputs = fields.Select(_ => new List<MedicalImage>()).ToList();
        try
        {
            for (var j = 0; j < items; j++)
            {
                var volume = inputs.Select(images => images[j]).ToList();
                CheckSameGrid(volume, fields, requestedBy, context.Sample);
                var plans = plan(j, volume);
                try
                {
                    foreach (var p in plans)
                        for (var f = 0; f < fields.Count; f++)
                            outputs[f].Add(cut(f, volume[f], p));
                }
                finally
                {
                    foreach (var p in plans) (p as IDisposable)?.Dispose();
                }
            }
        }
        catch
        {
            foreach (var image in outputs.SelectMany(o => o)) image.Dispose();
            throw;
        }

        for (var f = 0; f < fields.Count; f++)
        {
            if (alwaysBatch) context.Set(fields[f], new ImageBatch(outputs[f]));
            else context.SetImages(fields[f], outputs[f]);
        }
    }

    /// <summary>The fields in order without repeats, with <paramref name="extra"/> appended when missing.</summary>
    public static string[] Union(IEnumerable<string> fields, params string?[] extra) =>
        fields.Concat(extra.OfType<string>()).Distinct(StringComparer.Ordinal).ToArray();

    private static void CheckSameGrid(IReadOnlyList<MedicalImage> volume, IReadOnlyList<string> fields, string requestedBy, SampleInfo sample)
    {
        for (var f = 1; f < volume.Count; f++)
            if (!volume[f].SpatialShape.SequenceEqual(volume[0].SpatialShape))
                throw new InvalidOperationException(
                    $"{requestedBy}: field '{fields[f]}' has spatial shape [{string.Join("×", volume[f].SpatialShape)}] but '{fields[0]}' has [{string.Join("×", volume[0].SpatialShape)}] in sample {Describe(sample)}; fields cropped together must share one voxel grid");
    }

    private static string Describe(SampleInfo sample) => $"{sample.Index} ({sample.Description})";
}
