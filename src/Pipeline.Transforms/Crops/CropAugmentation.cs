using Pipeline.Data;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Crops;

/// <summary>The random rotation, scaling and deformation that FastPosNegRatioCropROI applies inside a crop, as inputs to <see cref="ResampledCrop"/>.</summary>
internal static class CropAugmentation
{
    /// <summary>Control points per axis of the deformation (3 intervals across the crop).</summary>
    internal const int DeformControlPoints = 4;

    /// <summary>Standard deviation of a control-point displacement, as a fraction of the crop size along that axis.</summary>
    internal const double DeformSigmaFraction = 0.03;

    /// <summary>The rotation about the spatial axes: one angle in 2D, three in 3D composed as R0·R1·R2 (MONAI's create_rotate order).</summary>
    public static double[,] Rotation(IReadOnlyList<double> radians)
    {
        if (radians.Count == 1)
        {
            var (s, c) = Math.SinCos(radians[0]);
            return new[,] { { c, -s }, { s, c } };
        }
        if (radians.Count != 3) throw new ArgumentException("give one angle (2D) or three (3D)", nameof(radians));
        var (s0, c0) = Math.SinCos(radians[0]);
        var (s1, c1) = Math.SinCos(radians[1]);
        var (s2, c2) = Math.SinCos(radians[2]);
        var r0 = new[,] { { 1, 0, 0 }, { 0, c0, -s0 }, { 0, s0, c0 } };
        var r1 = new[,] { { c1, 0, s1 }, { 0, 1, 0 }, { -s1, 0, c1 } };
        var r2 = new[,] { { c2, -s2, 0 }, { s2, c2, 0 }, { 0, 0, 1 } };
        return Multiply(Multiply(r0, r1), r2);
    }

    /// <summary>A = S⁻¹·R·S·Z: input voxel offset per output voxel step, rotating in millimetres (S = diag(spacing)) so anisotropic voxels are not sheared, and zooming by Z = diag(zoom).</summary>
    /// <param name="rotation">Rotation in the millimetre frame of the voxel axes.</param>
    /// <param name="spacing">Input voxel sizes per spatial axis.</param>
    /// <param name="zoom">Input voxels per output voxel per axis (&gt; 1 takes in more of the image).</param>
    public static double[,] Linear(double[,] rotation, IReadOnlyList<double> spacing, IReadOnlyList<double> zoom)
    {
        var rank = zoom.Count;
        var a = new double[rank, rank];
        for (var i = 0; i < rank; i++)
        for (var j = 0; j < rank; j++)
            a[i, j] = rotation[i, j] * spacing[j] / spacing[i] * zoom[j];
        return a;
    }

    /// <summary>Identity of size <paramref name="rank"/>.</summary>
    public static double[,] Identity(int rank)
    {
        var m = new double[rank, rank];
        for (var i = 0; i < rank; i++) m[i, i] = 1;
        return m;
    }

    /// <summary>A smooth random displacement [rank, size…] in voxels: Gaussian control-point offsets interpolated (linearly) over the crop.</summary>
    public static Tensor Displacement(IReadOnlyList<long> size, SampleRandom random)
    {
        var rank = size.Count;
        var controlCount = rank * (int)Math.Pow(DeformControlPoints, rank);
        var values = new double[controlCount];
        var perAxis = controlCount / rank;
        for (var i = 0; i < controlCount; i++) values[i] = random.NextGaussian() * DeformSigmaFraction * size[i / perAxis];

        using var scope = NewDisposeScope();
        var controlShape = new long[rank + 2];
        controlShape[0] = 1;
        controlShape[1] = rank;
        for (var a = 0; a < rank; a++) controlShape[a + 2] = DeformControlPoints;
        var control = tensor(values, ScalarType.Float64).view(controlShape);
        var field = nn.functional.interpolate(control, size.ToArray(), mode: rank == 3 ? InterpolationMode.Trilinear : InterpolationMode.Bilinear,
            align_corners: true);
        return field.squeeze(0).MoveToOuterDisposeScope();
    }

    private static double[,] Multiply(double[,] x, double[,] y)
    {
        var n = x.GetLength(0);
        var r = new double[n, n];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < n; j++)
        for (var k = 0; k < n; k++)
            r[i, j] += x[i, k] * y[k, j];
        return r;
    }
}
