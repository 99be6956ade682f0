using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Applies one random draw per crop index to several fields of a sample, so an image and its label (and crop i of each batch) always move together.</summary>
internal static class SampleDraws
{
    /// <summary>
    /// Reads the images of <paramref name="fields"/>, draws once per crop index from the transform's stream (a plain
    /// image is crop 0), and replaces every image by <paramref name="apply"/>(image, field, draw). A field with a single
    /// image uses draw 0. Returning the same image instance means "unchanged".
    /// </summary>
    /// <exception cref="InvalidOperationException">The fields hold different numbers of crops, or images of different spatial rank.</exception>
    public static void Apply<TDraw>(TransformContext context, IReadOnlyList<string> fields, string requestedBy,
        Func<SampleRandom, int, TDraw> draw, Func<MedicalImage, string, TDraw, MedicalImage> apply)
    {
        var images = fields.Select(f => context.GetImages(f, requestedBy)).ToList();
        var crops = images.Max(list => list.Count);
        if (images.Any(list => list.Count != 1 && list.Count != crops))
            throw new InvalidOperationException(
                $"{requestedBy}: fields {string.Join(", ", fields.Select((f, i) => $"'{f}' ({images[i].Count} images)"))} of sample {context.Sample.Index} ({context.Sample.Description}) hold different numbers of crops");
        var rank = images[0][0].SpatialRank;
        if (images.SelectMany(list => list).Any(image => image.SpatialRank != rank))
            throw new InvalidOperationException(
                $"{requestedBy}: fields {string.Join(", ", fields)} of sample {context.Sample.Index} ({context.Sample.Description}) mix 2D and 3D images");

        var random = context.CreateRandom();
        var draws = Enumerable.Range(0, crops).Select(_ => draw(random, rank)).ToList();
        for (var f = 0; f < fields.Count; f++)
        {
            var results = new List<MedicalImage>(images[f].Count);
            try
            {
                for (var i = 0; i < images[f].Count; i++) results.Add(apply(images[f][i], fields[f], draws[i]));
            }
            catch
            {
                foreach (var created in results.Where(r => !images[f].Contains(r))) created.Dispose();
                throw;
            }
            context.SetImages(fields[f], results);
        }
    }
}
