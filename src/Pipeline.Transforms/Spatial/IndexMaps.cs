using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Index maps (target voxel index → source voxel index, as 4×4 affines) of the common grid changes; an image's new affine is its old affine times the map.</summary>
public static class IndexMaps
{
    /// <summary>s_a = scale[a] · t_a + offset[a] for each spatial axis a; axes beyond the arrays are left alone.</summary>
    public static AffineMatrix AxisScaling(IReadOnlyList<double> scale, IReadOnlyList<double> offset)
    {
        if (scale.Count != offset.Count || scale.Count > 3) throw new ArgumentException("give one scale and one offset per spatial axis");
        var m = AffineMatrix.Identity.ToArray();
        for (var a = 0; a < scale.Count; a++)
        {
            m[a, a] = scale[a];
            m[a, 3] = offset[a];
        }
        return AffineMatrix.FromArray(m);
    }

    /// <summary>s = t − <paramref name="before"/>: the map of padding <paramref name="before"/> voxels at the start of each axis (negative values crop).</summary>
    public static AffineMatrix Shift(IReadOnlyList<long> before) =>
        AxisScaling(before.Select(_ => 1.0).ToArray(), before.Select(b => -(double)b).ToArray());

    /// <summary>The map of a resize that keeps the image's physical extent: voxel edges stay on voxel edges, s = (t + ½)·n/m − ½ (scipy zoom with grid_mode, torch interpolate without align_corners).</summary>
    public static AffineMatrix ExtentPreservingResize(IReadOnlyList<long> sourceShape, IReadOnlyList<long> targetShape)
    {
        var ratio = sourceShape.Zip(targetShape, (n, m) => (double)n / m).ToArray();
        return AxisScaling(ratio, ratio.Select(r => 0.5 * r - 0.5).ToArray());
    }

    /// <summary>The map of a zoom by <paramref name="factors"/> about the grid centre that keeps the shape: s = c + (t − c)/z with c = (n − 1)/2.</summary>
    public static AffineMatrix ZoomAboutCentre(IReadOnlyList<long> shape, IReadOnlyList<double> factors)
    {
        var scale = factors.Select(z => 1 / z).ToArray();
        return AxisScaling(scale, shape.Select((n, a) => (n - 1) / 2.0 * (1 - scale[a])).ToArray());
    }
}
