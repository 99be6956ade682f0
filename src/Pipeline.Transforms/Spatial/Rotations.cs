using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Rotation matrices about the voxel axes and the index maps that rotate image content about the grid centre in millimetres.</summary>
/// <remarks>
/// Rotations act on physical offsets from the grid centre, p = spacing ⊙ (index − centre), so a rotation of an image with
/// anisotropic voxels is rigid in millimetres rather than a shear. Content that sat at p before the rotation sits at R·p
/// after it; since the resampled image's affine is the old affine times the index map, the content keeps its world position
/// and it is the grid that turns by Rᵀ.
/// </remarks>
public static class Rotations
{
    /// <summary>The 2×2 rotation by <paramref name="degrees"/> in the (i, j) plane, turning +i toward +j.</summary>
    public static double[,] Matrix2D(double degrees)
    {
        var (s, c) = Math.SinCos(degrees * Math.PI / 180);
        return new[,] { { c, -s }, { s, c } };
    }

    /// <summary>The 3×3 rotation Rk·Rj·Ri: first about axis i (turning +j toward +k), then about j (+k toward +i), then about k (+i toward +j); angles in degrees.</summary>
    public static double[,] Matrix3D(double aboutI, double aboutJ, double aboutK)
    {
        var (si, ci) = Math.SinCos(aboutI * Math.PI / 180);
        var (sj, cj) = Math.SinCos(aboutJ * Math.PI / 180);
        var (sk, ck) = Math.SinCos(aboutK * Math.PI / 180);
        double[,] ri = { { 1, 0, 0 }, { 0, ci, -si }, { 0, si, ci } };
        double[,] rj = { { cj, 0, sj }, { 0, 1, 0 }, { -sj, 0, cj } };
        double[,] rk = { { ck, -sk, 0 }, { sk, ck, 0 }, { 0, 0, 1 } };
        return Multiply(rk, Multiply(rj, ri));
    }

    /// <summary>The index map (target index → source index) of rotating the content of a grid by <paramref name="rotation"/> about its centre, in millimetres, keeping the shape.</summary>
    /// <param name="shape">Spatial shape (2 or 3 axes).</param>
    /// <param name="spacing">Voxel sizes of the spatial axes.</param>
    /// <param name="rotation">A rank × rank rotation matrix acting on physical offsets.</param>
    public static AffineMatrix ContentRotationIndexMap(IReadOnlyList<long> shape, IReadOnlyList<double> spacing, double[,] rotation)
    {
        var rank = shape.Count;
        if (spacing.Count != rank || rotation.GetLength(0) != rank || rotation.GetLength(1) != rank)
            throw new ArgumentException("shape, spacing and rotation must agree on the number of spatial axes");

        // Target content at p comes from source p' = Rᵀ·p; in indices s − c = S⁻¹·Rᵀ·S·(t − c).
        var m = AffineMatrix.Identity.ToArray();
        var centre = shape.Select(n => (n - 1) / 2.0).ToArray();
        for (var r = 0; r < rank; r++)
        {
            m[r, 3] = centre[r];
            for (var c = 0; c < rank; c++)
            {
                m[r, c] = rotation[c, r] * spacing[c] / spacing[r];
                m[r, 3] -= m[r, c] * centre[c];
            }
        }
        return AffineMatrix.FromArray(m);
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        var result = new double[n, n];
        for (var r = 0; r < n; r++)
        for (var c = 0; c < n; c++)
        for (var k = 0; k < n; k++)
            result[r, c] += a[r, k] * b[k, c];
        return result;
    }
}
