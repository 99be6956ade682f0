using Pipeline.Imaging;

namespace Pipeline.ImageIO.Nifti;

/// <summary>The voxel-to-world affine of a header, following nibabel's <c>Nifti1Header.get_best_affine</c> and its load-time header fixes.</summary>
internal static class NiftiAffines
{
    /// <summary>nibabel resets xform codes outside NIFTI_XFORM_UNKNOWN..TEMPLATE_OTHER to 0 when it loads a header.</summary>
    private static bool IsSet(int code) => code is >= 1 and <= 5;

    public static NiftiAffineSource SourceOf(NiftiHeader h) =>
        IsSet(h.SformCode) ? NiftiAffineSource.Sform
        : IsSet(h.QformCode) ? NiftiAffineSource.Qform
        : NiftiAffineSource.PixdimFallback;

    public static AffineMatrix Best(NiftiHeader h)
    {
        var source = SourceOf(h);
        var affine = source switch
        {
            NiftiAffineSource.Sform => Sform(h),
            NiftiAffineSource.Qform => Qform(h),
            _ => PixdimFallback(h),
        };
        // nibabel 5 returns such affines as they are (NaNs, zero columns); every later step (orientation, spacing,
        // resampling, writing) would then fail far from the cause or silently produce garbage.
        var problem = !affine.ToRowMajor().All(double.IsFinite) ? "has non-finite entries"
            : IsSingular(affine) ? "is singular (its axis columns are not three independent directions)"
            : null;
        if (problem is not null)
            throw new NiftiFormatException(h.SourceFile,
                $"the affine from {Describe(source, h)} {problem}: {Format(affine)}; accepted: finite entries and three linearly independent axis columns");
        return affine;
    }

    private static string Describe(NiftiAffineSource s, NiftiHeader h) => s switch
    {
        NiftiAffineSource.Sform => $"the sform (sform_code {h.SformCode}, srow_x/y/z)",
        NiftiAffineSource.Qform => $"the qform (qform_code {h.QformCode}, quaternion, qoffset and pixdim[1..3] = {Format(h.PixDim.Skip(1).Take(3))})",
        _ => $"pixdim (sform_code and qform_code are 0; pixdim[1..3] = {Format(h.PixDim.Skip(1).Take(3))})",
    };

    /// <summary>True when the 3×3 part maps voxels onto fewer than three dimensions, judged on unit-length columns so that tiny voxels still count.</summary>
    private static bool IsSingular(AffineMatrix a)
    {
        var c = new double[3, 3];
        for (var col = 0; col < 3; col++)
        {
            var norm = Math.Sqrt(a[0, col] * a[0, col] + a[1, col] * a[1, col] + a[2, col] * a[2, col]);
            if (norm == 0 || !double.IsFinite(1 / norm)) return true;
            for (var row = 0; row < 3; row++) c[row, col] = a[row, col] / norm;
        }
        var det = c[0, 0] * (c[1, 1] * c[2, 2] - c[1, 2] * c[2, 1])
                  - c[0, 1] * (c[1, 0] * c[2, 2] - c[1, 2] * c[2, 0])
                  + c[0, 2] * (c[1, 0] * c[2, 1] - c[1, 1] * c[2, 0]);
        // Unit columns give |det| = 1 when orthogonal; float32 storage of a real affine stays far above this.
        return Math.Abs(det) < 1e-6;
    }

    private static string Format(AffineMatrix a) =>
        "[" + string.Join(", ", Enumerable.Range(0, 4).Select(r => Format(Enumerable.Range(0, 4).Select(c => a[r, c])))) + "]";

    private static string Format(IEnumerable<double> values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))) + "]";

    public static AffineMatrix Sform(NiftiHeader h)
    {
        var m = new double[16];
        for (var i = 0; i < 12; i++) m[i] = h.SRows[i];
        m[15] = 1;
        return AffineMatrix.FromRowMajor(m);
    }

    public static AffineMatrix Qform(NiftiHeader h)
    {
        // nibabel's threshold for a slightly negative w² depends on the precision the quaternion was stored in.
        var threshold = -3 * (h.Version == NiftiVersion.Nifti1 ? Float32Epsilon : Float64Epsilon);
        var (b, c, d) = h.Quaternion;
        if (!(double.IsFinite(b) && double.IsFinite(c) && double.IsFinite(d)))
            throw new NiftiFormatException(h.SourceFile, $"the qform quaternion (b, c, d) = ({b}, {c}, {d}) is not finite");
        var w2 = 1.0 - (b * b + c * c + d * d);
        double w;
        if (w2 < 0)
        {
            if (w2 < threshold)
                throw new NiftiFormatException(h.SourceFile, $"the qform quaternion (b, c, d) = ({b}, {c}, {d}) is longer than a unit quaternion (b² + c² + d² must not exceed 1)");
            w = 0;
        }
        else
        {
            w = Math.Sqrt(w2);
        }
        var r = NiftiQuaternion.ToRotation(w, b, c, d);
        var zooms = FixedZooms(h);
        zooms[2] *= Qfac(h);
        var m = new double[16];
        for (var row = 0; row < 3; row++)
        for (var col = 0; col < 3; col++)
            m[row * 4 + col] = r[row, col] * zooms[col];
        m[3] = h.QOffset.X;
        m[7] = h.QOffset.Y;
        m[11] = h.QOffset.Z;
        m[15] = 1;
        return AffineMatrix.FromRowMajor(m);
    }

    /// <summary>nibabel's base affine: diagonal voxel sizes with x flipped, origin at the centre of the first three axes.</summary>
    public static AffineMatrix PixdimFallback(NiftiHeader h)
    {
        var fixedZooms = FixedZooms(h);
        var shape = new double[] { 1, 1, 1 };
        var zooms = new double[] { 1, 1, 1 };
        for (var i = 0; i < Math.Min(h.Rank, 3); i++)
        {
            shape[i] = h.Dim[i + 1];
            zooms[i] = fixedZooms[i];
        }
        zooms[0] = -zooms[0];
        var m = new double[16];
        for (var i = 0; i < 3; i++)
        {
            m[i * 4 + i] = zooms[i];
            m[i * 4 + 3] = -(shape[i] - 1) / 2.0 * zooms[i];
        }
        m[15] = 1;
        return AffineMatrix.FromRowMajor(m);
    }

    /// <summary>pixdim[1..3] after nibabel's check: zeros become 1, negatives their absolute value.</summary>
    private static double[] FixedZooms(NiftiHeader h)
    {
        var z = new double[3];
        for (var i = 0; i < 3; i++)
        {
            var v = h.PixDim[i + 1];
            z[i] = v == 0 ? 1 : Math.Abs(v);
        }
        return z;
    }

    /// <summary>pixdim[0] after nibabel's check: anything but ±1 becomes 1.</summary>
    private static double Qfac(NiftiHeader h) => h.PixDim[0] is -1 or 1 ? h.PixDim[0] : 1;

    /// <summary>Machine epsilons (numpy's <c>finfo(...).eps</c>), not <see cref="double.Epsilon"/> which is the smallest subnormal.</summary>
    private const double Float32Epsilon = 1.1920928955078125e-07;
    private const double Float64Epsilon = 2.220446049250313e-16;
}
