using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Spatial;

/// <summary>Flips an image along spatial axes and updates its affine so every voxel keeps its world position.</summary>
public static class AxisFlip
{
    /// <summary>A new image flipped along <paramref name="spatialAxes"/> (0 = i); the caller keeps ownership of <paramref name="image"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An axis is not a spatial axis of the image.</exception>
    public static MedicalImage Flip(MedicalImage image, IReadOnlyCollection<int> spatialAxes)
    {
        var shape = image.SpatialShape;
        var axes = spatialAxes.Distinct().Order().ToArray();
        if (axes.Any(a => a < 0 || a >= image.SpatialRank))
            throw new ArgumentOutOfRangeException(nameof(spatialAxes), $"axes [{string.Join(", ", spatialAxes)}] must lie in 0..{image.SpatialRank - 1}");
        if (axes.Length == 0) return image.With(image.Data.clone());

        // Flipping axis a maps new index t to old index n − 1 − t.
        var scale = Enumerable.Range(0, image.SpatialRank).Select(a => axes.Contains(a) ? -1.0 : 1.0).ToArray();
        var offset = Enumerable.Range(0, image.SpatialRank).Select(a => axes.Contains(a) ? shape[a] - 1.0 : 0.0).ToArray();
        var affine = image.Affine.Multiply(IndexMaps.AxisScaling(scale, offset));
        return image.With(image.Data.flip(axes.Select(a => (long)a + 1).ToArray()), affine);
    }
}
