using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Spatial;

/// <summary>Permutes and flips the spatial axes of an image so that its voxel axes point along target orientation codes, updating the affine exactly.</summary>
/// <remarks>Only axis permutations and flips are applied (no resampling), as nibabel's <c>as_closest_canonical</c> and MONAI's Orientation do.</remarks>
public static class Reorientation
{
    /// <summary>The axis permutation and flips taking <paramref name="affine"/>'s orientation to <paramref name="targetCodes"/> (3D only).</summary>
    /// <returns>For each new axis t: the source axis it comes from and whether it is flipped.</returns>
    /// <exception cref="InvalidOperationException">The affine has an axis with no dominant world direction.</exception>
    public static (int SourceAxis, bool Flip)[] Plan(AffineMatrix affine, string targetCodes)
    {
        var source = Orientation.AxisMapping(affine);
        if (source.Any(m => m.WorldAxis < 0))
            throw new InvalidOperationException($"the affine has an axis with no dominant world direction ({Orientation.AxisCodes(affine)}); it cannot be reoriented");
        var target = Orientation.ParseAxisCodes(targetCodes);
        if (target.Length != 3) throw new ArgumentException($"'{targetCodes}' must name three axes", nameof(targetCodes));
        var plan = new (int, bool)[3];
        for (var t = 0; t < 3; t++)
        {
            var s = Array.FindIndex(source, m => m.WorldAxis == target[t].WorldAxis);
            plan[t] = (s, source[s].Direction != target[t].Direction);
        }
        return plan;
    }

    /// <summary>A new image whose axes follow <paramref name="targetCodes"/>; the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Apply(MedicalImage image, string targetCodes)
    {
        if (image.SpatialRank != 3) throw new ArgumentException("reorientation needs a 3D image", nameof(image));
        var plan = Plan(image.Affine, targetCodes);
        var shape = image.SpatialShape;

        // new_index → old_index: old[s_t] = flip ? n_t − 1 − new[t] : new[t]; the new affine is old · that map.
        var map = new double[4, 4];
        map[3, 3] = 1;
        for (var t = 0; t < 3; t++)
        {
            var (s, flip) = plan[t];
            map[s, t] = flip ? -1 : 1;
            map[s, 3] = flip ? shape[s] - 1 : 0;
        }
        var affine = image.Affine.Multiply(AffineMatrix.FromArray(map));

        using var scope = NewDisposeScope();
        var data = image.Data.permute(0, plan[0].SourceAxis + 1, plan[1].SourceAxis + 1, plan[2].SourceAxis + 1);
        var flips = Enumerable.Range(0, 3).Where(t => plan[t].Flip).Select(t => (long)t + 1).ToArray();
        if (flips.Length > 0) data = data.flip(flips);
        data = data.contiguous();
        return image.With(data.MoveToOuterDisposeScope(), affine);
    }
}
