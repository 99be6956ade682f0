using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Spatial;

/// <summary>Permutes and flips the spatial axes of an image so that its voxel axes point along target orientation codes, updating the affine exactly.</summary>
/// <remarks>
/// Only axis permutations and flips are applied (no resampling), as nibabel's <c>as_closest_canonical</c> and MONAI's
/// Orientation do. A 2D image's two axes span two world axes; three-letter codes are reduced to the letters of those
/// (e.g. "RAS" → "RA" for an axial slice), two-letter codes must name exactly them.
/// </remarks>
public static class Reorientation
{
    /// <summary>The axis permutation and flips taking <paramref name="affine"/>'s orientation to <paramref name="targetCodes"/> (3D).</summary>
    /// <returns>For each new axis t: the source axis it comes from and whether it is flipped.</returns>
    /// <exception cref="InvalidOperationException">The affine has an axis with no dominant world direction.</exception>
    public static (int SourceAxis, bool Flip)[] Plan(AffineMatrix affine, string targetCodes) => Plan(affine, targetCodes, 3);

    /// <summary>The axis permutation and flips taking the first <paramref name="rank"/> axes of <paramref name="affine"/> to <paramref name="targetCodes"/>.</summary>
    /// <returns>For each new axis t: the source axis it comes from and whether it is flipped.</returns>
    /// <exception cref="InvalidOperationException">The affine has an axis with no dominant world direction.</exception>
    /// <exception cref="ArgumentException">The codes are invalid or do not name the world axes the image's axes span.</exception>
    public static (int SourceAxis, bool Flip)[] Plan(AffineMatrix affine, string targetCodes, int rank)
    {
        if (rank is < 2 or > 3) throw new ArgumentOutOfRangeException(nameof(rank), rank, "an image has 2 or 3 spatial axes");
        var source = Orientation.AxisMapping(affine)[..rank];
        if (source.Any(m => m.WorldAxis < 0))
            throw new InvalidOperationException($"the affine has an axis with no dominant world direction ({Orientation.AxisCodes(affine)}); it cannot be reoriented");
        var target = Orientation.ParseAxisCodes(targetCodes);
        if (rank == 2 && target.Length == 3) target = target.Where(t => source.Any(s => s.WorldAxis == t.WorldAxis)).ToArray();
        var current = Orientation.AxisCodes(affine)[..rank];
        if (target.Length != rank || target.Any(t => source.All(s => s.WorldAxis != t.WorldAxis)))
            throw new ArgumentException($"'{targetCodes}' cannot orient an image whose {rank} axes point {current}: name each of its world axes once", nameof(targetCodes));
        var plan = new (int, bool)[rank];
        for (var t = 0; t < rank; t++)
        {
            var s = Array.FindIndex(source, m => m.WorldAxis == target[t].WorldAxis);
            plan[t] = (s, source[s].Direction != target[t].Direction);
        }
        return plan;
    }

    /// <summary>A new image whose axes follow <paramref name="targetCodes"/> (2D or 3D); the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Apply(MedicalImage image, string targetCodes)
    {
        var rank = image.SpatialRank;
        var plan = Plan(image.Affine, targetCodes, rank);
        var shape = image.SpatialShape;

        // new_index → old_index: old[s_t] = flip ? n_t − 1 − new[t] : new[t]; the new affine is old · that map.
        var map = AffineMatrix.Identity.ToArray();
        for (var t = 0; t < rank; t++) map[t, t] = 0;
        for (var t = 0; t < rank; t++)
        {
            var (s, flip) = plan[t];
            map[s, t] = flip ? -1 : 1;
            map[s, 3] = flip ? shape[s] - 1 : 0;
        }
        var affine = image.Affine.Multiply(AffineMatrix.FromArray(map));

        using var scope = NewDisposeScope();
        var data = image.Data.permute([0, .. plan.Select(p => (long)p.SourceAxis + 1)]);
        var flips = Enumerable.Range(0, rank).Where(t => plan[t].Flip).Select(t => (long)t + 1).ToArray();
        if (flips.Length > 0) data = data.flip(flips);
        // The result must own its storage even when nothing moves: the caller may dispose or edit the input.
        var unchanged = flips.Length == 0 && plan.Select((p, t) => p.SourceAxis == t).All(same => same);
        data = unchanged ? image.Data.clone() : data.contiguous();
        return image.With(data.MoveToOuterDisposeScope(), affine);
    }
}
