using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>
/// Images our writer turns into the committed files in Fixtures/nifti/written/, whose nibabel reading
/// tools/fixtures/make_nifti_fixtures.py verify records. Changing a case means regenerating both.
/// </summary>
internal static class WrittenNiftiCases
{
    /// <summary>One file to write: its name, how to build the image, and the datatype to ask for (null: the default).</summary>
    public sealed record Case(string FileName, Func<MedicalImage> Build, NiftiDataType? Type)
    {
        public override string ToString() => FileName;
    }

    public static IReadOnlyList<Case> All { get; } =
    [
        new("labels_uint8_ras.nii.gz", () => Image(Values(1, 7 * 6 * 5, v => Math.Floor(v * 5)), ScalarType.Byte, [1, 7, 6, 5], Affine([0.8, 0, 0], [0, 0.8, 0], [0, 0, 1.5], [-20, 10.5, 3])), null),
        new("float32_oblique.nii", () => Image(Values(2, 6 * 5 * 4, v => v * 2000 - 1000), ScalarType.Float32, [1, 6, 5, 4], Oblique()), null),
        new("float_to_int16_clipped.nii", () => Image(SpecialValues(), ScalarType.Float32, [1, 4, 3, 2], Affine([1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0])), NiftiDataType.Int16),
        new("multichannel_float32.nii.gz", () => Image(Values(3, 3 * 5 * 4 * 3, v => v), ScalarType.Float32, [3, 5, 4, 3], Affine([-1.2, 0, 0], [0, 1.2, 0], [0, 0, 2], [60, -40, 12])), null),
        new("image2d_int32.nii", () => Image(Values(4, 7 * 5, v => Math.Round(v * 1e6) - 500_000), ScalarType.Int32, [1, 7, 5], Affine([-0.5, 0, 0], [0, 0.5, 0], [0, 0, 1], [3, 4, 0])), null),
        new("int64_fits_int32.nii.gz", () => Image(Values(5, 4 * 4 * 4, v => Math.Round(v * 200) - 100), ScalarType.Int64, [1, 4, 4, 4], Affine([1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 2, 3])), null),
        new("int64_wide.nii", () => Image(Values(6, 4 * 3 * 2, v => Math.Round((v - 0.5) * 9e15)), ScalarType.Int64, [1, 4, 3, 2], Affine([2, 0, 0], [0, 2, 0], [0, 0, 2], [0, 0, 0])), null),
        new("float64_lps_qfac_negative.nii.gz", () => Image(Values(7, 5 * 4 * 3, v => v * 1e-3), ScalarType.Float64, [1, 5, 4, 3], LpsRotated()), null),
        new("float_to_uint16.nii", () => Image(Values(8, 6 * 5 * 2, v => v * 80_000 - 5_000), ScalarType.Float32, [1, 6, 5, 2], Affine([0.9, 0, 0], [0, 0, 1.1], [0, 1.3, 0], [5, 6, 7])), NiftiDataType.UInt16),
        new("bool_mask.nii.gz", () => Image(Values(9, 5 * 4 * 3, v => v > 0.5 ? 1 : 0), ScalarType.Bool, [1, 5, 4, 3], Affine([1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0])), null),
        new("multichannel_2d_uint8.nii", () => Image(Values(10, 2 * 5 * 4, v => Math.Floor(v * 256)), ScalarType.Byte, [2, 5, 4], Affine([0.3, 0, 0], [0, 0.3, 0], [0, 0, 1], [0, 0, 0])), null),
    ];

    private static MedicalImage Image(double[] values, ScalarType dtype, long[] shape, AffineMatrix affine)
    {
        using var flat = tensor(values);
        using var shaped = flat.reshape(shape);
        return new MedicalImage(shaped.to(dtype), affine);
    }

    /// <summary>Deterministic values in [0, 1), mapped by <paramref name="map"/>.</summary>
    private static double[] Values(int seed, int count, Func<double, double> map)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => map(random.NextDouble())).ToArray();
    }

    /// <summary>Values that exercise rounding ties, clipping and non-finite inputs.</summary>
    private static double[] SpecialValues() =>
    [
        0, 1, 2.6, -3.5, 2.5, 3.5, -2.5, 0.5, -0.5, 1.5, 1e6, -1e6,
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 32767.4, 32767.6, -32768.6, 100.49, -100.51, 7, -7, 12345.5, -0.0,
    ];

    private static AffineMatrix Affine(double[] i, double[] j, double[] k, double[] offset) =>
        AffineMatrix.FromRowMajor(
        [
            i[0], j[0], k[0], offset[0],
            i[1], j[1], k[1], offset[1],
            i[2], j[2], k[2], offset[2],
            0, 0, 0, 1,
        ]);

    /// <summary>Rotated about all three axes, anisotropic voxels.</summary>
    private static AffineMatrix Oblique()
    {
        var r = Multiply(Rotation(2, 20), Multiply(Rotation(0, 10), Rotation(1, -7)));
        var zooms = new[] { 0.7, 0.8, 3.0 };
        return Affine([r[0, 0] * zooms[0], r[1, 0] * zooms[0], r[2, 0] * zooms[0]],
            [r[0, 1] * zooms[1], r[1, 1] * zooms[1], r[2, 1] * zooms[1]],
            [r[0, 2] * zooms[2], r[1, 2] * zooms[2], r[2, 2] * zooms[2]], [-91.2, 17.5, 40]);
    }

    /// <summary>Left-handed axes (x and y flipped) with a tilt: the qform needs qfac = −1.</summary>
    private static AffineMatrix LpsRotated()
    {
        var r = Rotation(0, 15);
        var zooms = new[] { -1.1, -0.9, 1.6 };
        return Affine([r[0, 0] * zooms[0], r[1, 0] * zooms[0], r[2, 0] * zooms[0]],
            [r[0, 1] * zooms[1], r[1, 1] * zooms[1], r[2, 1] * zooms[1]],
            [r[0, 2] * zooms[2], r[1, 2] * zooms[2], r[2, 2] * zooms[2]], [12, 80, -33]);
    }

    private static double[,] Rotation(int axis, double degrees)
    {
        var (c, s) = (Math.Cos(degrees * Math.PI / 180), Math.Sin(degrees * Math.PI / 180));
        var r = new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        var (a, b) = axis switch { 0 => (1, 2), 1 => (0, 2), _ => (0, 1) };
        (r[a, a], r[a, b], r[b, a], r[b, b]) = (c, -s, s, c);
        return r;
    }

    private static double[,] Multiply(double[,] x, double[,] y)
    {
        var m = new double[3, 3];
        for (var r = 0; r < 3; r++)
        for (var c = 0; c < 3; c++)
        for (var k = 0; k < 3; k++)
            m[r, c] += x[r, k] * y[k, c];
        return m;
    }
}
