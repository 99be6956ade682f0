namespace Pipeline.Imaging;

/// <summary>Axis orientation of an affine, computed as nibabel's <c>io_orientation</c>/<c>aff2axcodes</c> do.</summary>
public static class Orientation
{
    private static readonly (char Negative, char Positive)[] Labels = [('L', 'R'), ('P', 'A'), ('I', 'S')];

    /// <summary>For each voxel axis: the world axis it is closest to (0 = x, 1 = y, 2 = z) and its direction (+1/−1); (−1, 0) when undetermined.</summary>
    public static (int WorldAxis, int Direction)[] AxisMapping(AffineMatrix affine)
    {
        // Normalise columns by the voxel sizes, then take the nearest orthogonal matrix (polar factor)
        // so that shears and obliquity pick the dominant world axis as nibabel does.
        var rs = new double[3, 3];
        var zooms = affine.Spacing();
        for (var c = 0; c < 3; c++)
        {
            var z = zooms[c] == 0 ? 1 : zooms[c];
            for (var r = 0; r < 3; r++) rs[r, c] = affine[r, c] / z;
        }
        var r3 = PolarOrthogonal(rs);
        var result = new (int, int)[3];
        for (var input = 0; input < 3; input++)
        {
            var best = -1;
            var bestAbs = 0.0;
            for (var output = 0; output < 3; output++)
            {
                var v = Math.Abs(r3[output, input]);
                if (v > bestAbs + 1e-12) { bestAbs = v; best = output; }
            }
            if (best < 0 || bestAbs < 1e-8) { result[input] = (-1, 0); continue; }
            result[input] = (best, r3[best, input] < 0 ? -1 : 1);
            for (var c = 0; c < 3; c++) r3[best, c] = 0;
        }
        return result;
    }

    /// <summary>Orientation codes such as "RAS" or "LPS" (the direction each voxel axis increases towards); '?' for an undetermined axis.</summary>
    public static string AxisCodes(AffineMatrix affine) =>
        new(AxisMapping(affine).Select(m => m.WorldAxis < 0 ? '?' : m.Direction > 0 ? Labels[m.WorldAxis].Positive : Labels[m.WorldAxis].Negative).ToArray());

    /// <summary>Parses codes such as "RAS"/"LPI" into world axis and direction per voxel axis.</summary>
    /// <exception cref="ArgumentException">The codes do not name each world axis exactly once.</exception>
    public static (int WorldAxis, int Direction)[] ParseAxisCodes(string codes)
    {
        var result = new (int, int)[codes.Length];
        var seen = new bool[3];
        for (var i = 0; i < codes.Length; i++)
        {
            var ch = char.ToUpperInvariant(codes[i]);
            var axis = Array.FindIndex(Labels, l => l.Negative == ch || l.Positive == ch);
            if (axis < 0 || seen[axis])
                throw new ArgumentException($"'{codes}' is not a valid orientation: use one letter of L/R, P/A and I/S per axis, each world axis once (e.g. RAS)");
            seen[axis] = true;
            result[i] = (axis, Labels[axis].Positive == ch ? 1 : -1);
        }
        return result;
    }

    private static double[,] PolarOrthogonal(double[,] m)
    {
        // Newton iteration X ← (X + X⁻ᵀ)/2 converges quadratically to the orthogonal polar factor (= U·Vᵀ of the SVD).
        var x = (double[,])m.Clone();
        for (var it = 0; it < 60; it++)
        {
            var inv = Invert3(x);
            if (inv is null) return m;
            var delta = 0.0;
            for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++)
            {
                var next = 0.5 * (x[r, c] + inv[c, r]);
                delta = Math.Max(delta, Math.Abs(next - x[r, c]));
                x[r, c] = next;
            }
            if (delta < 1e-15) break;
        }
        return x;
    }

    private static double[,]? Invert3(double[,] a)
    {
        var det = a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1])
                - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
                + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        if (Math.Abs(det) < 1e-12) return null;
        var inv = new double[3, 3];
        inv[0, 0] = (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) / det;
        inv[0, 1] = (a[0, 2] * a[2, 1] - a[0, 1] * a[2, 2]) / det;
        inv[0, 2] = (a[0, 1] * a[1, 2] - a[0, 2] * a[1, 1]) / det;
        inv[1, 0] = (a[1, 2] * a[2, 0] - a[1, 0] * a[2, 2]) / det;
        inv[1, 1] = (a[0, 0] * a[2, 2] - a[0, 2] * a[2, 0]) / det;
        inv[1, 2] = (a[0, 2] * a[1, 0] - a[0, 0] * a[1, 2]) / det;
        inv[2, 0] = (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]) / det;
        inv[2, 1] = (a[0, 1] * a[2, 0] - a[0, 0] * a[2, 1]) / det;
        inv[2, 2] = (a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]) / det;
        return inv;
    }
}
