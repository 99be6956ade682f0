namespace Pipeline.ImageIO.Nifti;

/// <summary>Conversions between rotation matrices and the qform quaternion, as nibabel's <c>quaternions</c> module does them.</summary>
internal static class NiftiQuaternion
{
    /// <summary>nibabel's <c>quat2mat</c>: the rotation of quaternion (w, x, y, z), which need not be exactly unit.</summary>
    public static double[,] ToRotation(double w, double x, double y, double z)
    {
        var n = w * w + x * x + y * y + z * z;
        if (n < 2.220446049250313e-16)
            return new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        var s = 2.0 / n;
        double xs = x * s, ys = y * s, zs = z * s;
        double wx = w * xs, wy = w * ys, wz = w * zs;
        double xx = x * xs, xy = x * ys, xz = x * zs;
        double yy = y * ys, yz = y * zs, zz = z * zs;
        return new[,]
        {
            { 1.0 - (yy + zz), xy - wz, xz + wy },
            { xy + wz, 1.0 - (xx + zz), yz - wx },
            { xz - wy, yz + wx, 1.0 - (xx + yy) },
        };
    }

    /// <summary>The quaternion (w ≥ 0) of a proper rotation matrix (Shepperd's method; equals nibabel's <c>mat2quat</c> for orthogonal input).</summary>
    public static (double W, double X, double Y, double Z) FromRotation(double[,] m)
    {
        double w, x, y, z;
        var trace = m[0, 0] + m[1, 1] + m[2, 2];
        // Branch on the largest diagonal term so the square root never sees a value near zero.
        if (trace > 0)
        {
            var s = Math.Sqrt(trace + 1) * 2;
            (w, x, y, z) = (s / 4, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s);
        }
        else if (m[0, 0] > m[1, 1] && m[0, 0] > m[2, 2])
        {
            var s = Math.Sqrt(1 + m[0, 0] - m[1, 1] - m[2, 2]) * 2;
            (w, x, y, z) = ((m[2, 1] - m[1, 2]) / s, s / 4, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s);
        }
        else if (m[1, 1] > m[2, 2])
        {
            var s = Math.Sqrt(1 + m[1, 1] - m[0, 0] - m[2, 2]) * 2;
            (w, x, y, z) = ((m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, s / 4, (m[1, 2] + m[2, 1]) / s);
        }
        else
        {
            var s = Math.Sqrt(1 + m[2, 2] - m[0, 0] - m[1, 1]) * 2;
            (w, x, y, z) = ((m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, s / 4);
        }
        return w < 0 ? (-w, -x, -y, -z) : (w, x, y, z);
    }

    /// <summary>
    /// The qform parameters nibabel's <c>set_qform</c> stores for <paramref name="affine"/>: voxel sizes (column norms),
    /// qfac (−1 when the axes are left-handed) and the quaternion of the nearest rotation (shears are dropped).
    /// </summary>
    public static (double[] Zooms, double Qfac, (double B, double C, double D) Quaternion) FromAffine(Pipeline.Imaging.AffineMatrix affine)
    {
        var zooms = new double[3];
        var r = new double[3, 3];
        for (var c = 0; c < 3; c++)
        {
            zooms[c] = Math.Sqrt(affine[0, c] * affine[0, c] + affine[1, c] * affine[1, c] + affine[2, c] * affine[2, c]);
            var scale = zooms[c] == 0 ? 1 : zooms[c];
            for (var row = 0; row < 3; row++) r[row, c] = affine[row, c] / scale;
        }
        var qfac = 1.0;
        if (Determinant(r) <= 0)
        {
            qfac = -1;
            for (var row = 0; row < 3; row++) r[row, 2] = -r[row, 2];
        }
        var (_, x, y, z) = FromRotation(NearestOrthogonal(r));
        return (zooms, qfac, (x, y, z));
    }

    private static double Determinant(double[,] a) =>
        a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1])
        - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
        + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);

    /// <summary>The orthogonal polar factor (U·Vᵀ of the SVD), by Newton's iteration X ← (X + X⁻ᵀ)/2; identity for a singular input.</summary>
    private static double[,] NearestOrthogonal(double[,] m)
    {
        var x = (double[,])m.Clone();
        for (var it = 0; it < 100; it++)
        {
            var det = Determinant(x);
            if (Math.Abs(det) < 1e-12 || !double.IsFinite(det))
                return new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
            // X⁻ᵀ = cofactor matrix / det.
            var next = new double[3, 3];
            var delta = 0.0;
            for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++)
            {
                int r1 = (r + 1) % 3, r2 = (r + 2) % 3, c1 = (c + 1) % 3, c2 = (c + 2) % 3;
                var cofactor = x[r1, c1] * x[r2, c2] - x[r1, c2] * x[r2, c1];
                next[r, c] = 0.5 * (x[r, c] + cofactor / det);
                delta = Math.Max(delta, Math.Abs(next[r, c] - x[r, c]));
            }
            x = next;
            if (delta < 1e-15) break;
        }
        return x;
    }
}
