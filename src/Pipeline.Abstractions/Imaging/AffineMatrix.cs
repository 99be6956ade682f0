namespace Pipeline.Imaging;

/// <summary>An immutable 4×4 voxel-to-world transform in RAS+ millimetres, as nibabel reports it.</summary>
public sealed class AffineMatrix : IEquatable<AffineMatrix>
{
    private readonly double[] _m; // row-major, 16 entries

    private AffineMatrix(double[] m) => _m = m;

    /// <summary>The identity transform.</summary>
    public static AffineMatrix Identity { get; } = Diagonal(1, 1, 1);

    /// <summary>Builds a matrix from 16 row-major values.</summary>
    public static AffineMatrix FromRowMajor(ReadOnlySpan<double> values)
    {
        if (values.Length != 16) throw new ArgumentException("an affine needs 16 values", nameof(values));
        return new AffineMatrix(values.ToArray());
    }

    /// <summary>Builds a matrix from a 4×4 array.</summary>
    public static AffineMatrix FromArray(double[,] values)
    {
        if (values.GetLength(0) != 4 || values.GetLength(1) != 4) throw new ArgumentException("an affine is 4×4", nameof(values));
        var m = new double[16];
        for (var r = 0; r < 4; r++)
        for (var c = 0; c < 4; c++)
            m[r * 4 + c] = values[r, c];
        return new AffineMatrix(m);
    }

    /// <summary>A scaling matrix with the given voxel sizes and zero offset.</summary>
    public static AffineMatrix Diagonal(double sx, double sy, double sz)
    {
        var m = new double[16];
        m[0] = sx; m[5] = sy; m[10] = sz; m[15] = 1;
        return new AffineMatrix(m);
    }

    /// <summary>Entry at row <paramref name="row"/>, column <paramref name="column"/>.</summary>
    public double this[int row, int column] => _m[row * 4 + column];

    /// <summary>The 16 values, row-major.</summary>
    public double[] ToRowMajor() => (double[])_m.Clone();

    /// <summary>A 4×4 copy of the values.</summary>
    public double[,] ToArray()
    {
        var a = new double[4, 4];
        for (var r = 0; r < 4; r++)
        for (var c = 0; c < 4; c++)
            a[r, c] = _m[r * 4 + c];
        return a;
    }

    /// <summary>Matrix product <c>this · other</c>: apply <paramref name="other"/> first.</summary>
    public AffineMatrix Multiply(AffineMatrix other)
    {
        var m = new double[16];
        for (var r = 0; r < 4; r++)
        for (var c = 0; c < 4; c++)
        {
            double s = 0;
            for (var k = 0; k < 4; k++) s += _m[r * 4 + k] * other._m[k * 4 + c];
            m[r * 4 + c] = s;
        }
        return new AffineMatrix(m);
    }

    /// <summary>The inverse transform (Gauss–Jordan with partial pivoting).</summary>
    /// <exception cref="InvalidOperationException">The matrix is singular.</exception>
    public AffineMatrix Inverse()
    {
        var a = ToArray();
        var inv = Identity.ToArray();
        for (var col = 0; col < 4; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < 4; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (Math.Abs(a[pivot, col]) < 1e-300) throw new InvalidOperationException("the affine is singular");
            if (pivot != col)
                for (var c = 0; c < 4; c++)
                {
                    (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
                    (inv[col, c], inv[pivot, c]) = (inv[pivot, c], inv[col, c]);
                }
            var p = a[col, col];
            for (var c = 0; c < 4; c++) { a[col, c] /= p; inv[col, c] /= p; }
            for (var r = 0; r < 4; r++)
            {
                if (r == col) continue;
                var f = a[r, col];
                if (f == 0) continue;
                for (var c = 0; c < 4; c++) { a[r, c] -= f * a[col, c]; inv[r, c] -= f * inv[col, c]; }
            }
        }
        return FromArray(inv);
    }

    /// <summary>Maps a voxel index (i, j, k) to world coordinates.</summary>
    public (double X, double Y, double Z) Apply(double i, double j, double k) =>
        (_m[0] * i + _m[1] * j + _m[2] * k + _m[3],
         _m[4] * i + _m[5] * j + _m[6] * k + _m[7],
         _m[8] * i + _m[9] * j + _m[10] * k + _m[11]);

    /// <summary>Voxel sizes: the length of each of the first three columns (nibabel's <c>voxel_sizes</c>).</summary>
    public double[] Spacing()
    {
        var s = new double[3];
        for (var c = 0; c < 3; c++)
            s[c] = Math.Sqrt(_m[c] * _m[c] + _m[4 + c] * _m[4 + c] + _m[8 + c] * _m[8 + c]);
        return s;
    }

    /// <summary>True when every entry differs by at most <paramref name="tolerance"/>.</summary>
    public bool ApproximatelyEquals(AffineMatrix other, double tolerance = 1e-6)
    {
        for (var i = 0; i < 16; i++)
            if (Math.Abs(_m[i] - other._m[i]) > tolerance) return false;
        return true;
    }

    /// <inheritdoc />
    public bool Equals(AffineMatrix? other) => other is not null && _m.AsSpan().SequenceEqual(other._m);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AffineMatrix);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in _m) h.Add(v);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join("\n", Enumerable.Range(0, 4).Select(r =>
            "[" + string.Join(", ", Enumerable.Range(0, 4).Select(c => _m[r * 4 + c].ToString("0.######", System.Globalization.CultureInfo.InvariantCulture))) + "]"));
}
