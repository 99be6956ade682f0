using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>MONAI's MR bias field: a sum of products of Legendre polynomials of total degree ≤ d over coordinates spanning [−1, 1] on each axis.</summary>
/// <remarks>
/// Coefficient order is MONAI's <c>RandBiasField</c> (adapted from NiftyNet): in 3D the (i, j, k) with i + j + k ≤ d, i outer,
/// k inner; in 2D numpy's <c>tril_indices(d + 1)</c> order — (0,0), (1,0), (1,1), (2,0), … — which, as in MONAI, places
/// coefficients on the lower triangle (i ≥ j) rather than on i + j ≤ d. The grid along an axis of n voxels is
/// linspace(−1, 1, n) (just −1 when n = 1), evaluated in float64.
/// </remarks>
public static class LegendreBiasField
{
    /// <summary>Number of coefficients MONAI draws for a field of <paramref name="rank"/> (2 or 3) axes and degree <paramref name="degree"/>.</summary>
    public static int CoefficientCount(int rank, int degree) => rank switch
    {
        2 => (degree + 1) * (degree + 2) / 2,
        3 => (degree + 1) * (degree + 2) * (degree + 3) / 6,
        _ => throw new ArgumentOutOfRangeException(nameof(rank), rank, "a bias field has 2 or 3 axes"),
    };

    /// <summary>The field (the log of the multiplicative bias) over <paramref name="spatialShape"/>, float64.</summary>
    /// <exception cref="ArgumentException">The shape is not 2-D or 3-D, the degree is below 1, or the coefficient count is wrong.</exception>
    public static Tensor Field(IReadOnlyList<long> spatialShape, int degree, IReadOnlyList<double> coefficients)
    {
        var rank = spatialShape.Count;
        if (rank is not (2 or 3)) throw new ArgumentException($"a bias field has 2 or 3 axes, got {rank}", nameof(spatialShape));
        if (degree < 1) throw new ArgumentException($"degree must be ≥ 1, got {degree}", nameof(degree));
        if (coefficients.Count != CoefficientCount(rank, degree))
            throw new ArgumentException($"a degree-{degree} {rank}-D field has {CoefficientCount(rank, degree)} coefficients, got {coefficients.Count}", nameof(coefficients));

        var n = degree + 1;
        var matrix = new double[rank == 2 ? n * n : n * n * n];
        var next = 0;
        if (rank == 2)
        {
            for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
                matrix[i * n + j] = coefficients[next++];
        }
        else
        {
            for (var i = 0; i <= degree; i++)
            for (var j = 0; j <= degree - i; j++)
            for (var k = 0; k <= degree - i - j; k++)
                matrix[(i * n + j) * n + k] = coefficients[next++];
        }

        using var scope = NewDisposeScope();
        var bases = spatialShape.Select(size => Basis(size, degree)).ToArray(); // [size, degree + 1] each
        var c = tensor(matrix, dtype: ScalarType.Float64).reshape(Enumerable.Repeat((long)n, rank).ToArray());
        var field = rank == 2
            ? einsum("ij,xi,yj->xy", c, bases[0], bases[1])
            : einsum("ijk,xi,yj,zk->xyz", c, bases[0], bases[1], bases[2]);
        return field.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Legendre polynomials P0…P<paramref name="degree"/> at linspace(−1, 1, <paramref name="size"/>), by Bonnet's recurrence.</summary>
    private static Tensor Basis(long size, int degree)
    {
        var values = new double[size * (degree + 1)];
        for (long p = 0; p < size; p++)
        {
            var x = size == 1 ? -1.0 : -1.0 + 2.0 * p / (size - 1);
            double previous = 1, current = x;
            values[p * (degree + 1)] = 1;
            values[p * (degree + 1) + 1] = x;
            for (var k = 1; k < degree; k++)
            {
                var following = ((2 * k + 1) * x * current - k * previous) / (k + 1);
                (previous, current) = (current, following);
                values[p * (degree + 1) + k + 1] = current;
            }
        }
        return tensor(values, dtype: ScalarType.Float64).reshape(size, degree + 1);
    }
}
