using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>Replaces the image(s) of a field by voxel-wise results, keeping affine and properties, for plain images and <see cref="ImageBatch"/> crops alike.</summary>
internal static class ImageFields
{
    /// <summary>
    /// Replaces every image of <paramref name="field"/> by <paramref name="compute"/> of its data; <paramref name="compute"/> runs
    /// inside a dispose scope and only the tensor it returns survives. Nothing is stored unless every image succeeds.
    /// </summary>
    public static void Map(TransformContext context, string field, string requestedBy, Func<MedicalImage, Tensor> compute)
    {
        var sources = context.GetImages(field, requestedBy);
        var results = new List<MedicalImage>(sources.Count);
        try
        {
            foreach (var image in sources)
            {
                using var scope = NewDisposeScope();
                var data = compute(image);
                results.Add(image.With(data.MoveToOuterDisposeScope()));
            }
        }
        catch
        {
            foreach (var made in results) made.Dispose();
            throw;
        }
        context.SetImages(field, results);
    }

    /// <summary>Gives every image of <paramref name="field"/> its compute type (what a random transform does when it does not fire); a field whose images all have it already is left untouched.</summary>
    public static void ConvertToComputeType(TransformContext context, string field, string requestedBy)
    {
        var images = context.GetImages(field, requestedBy);
        if (images.All(i => i.Data.dtype == ComputeTypes.For(i.Data))) return;
        // Copies even the images already in their type: an alias would share storage with an image a cache may still hold.
        Map(context, field, requestedBy, image => ComputeTypes.Copy(image.Data));
    }
}
