using System.Text.Json;
using NUnit.Framework;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Spatial;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Spatial;

/// <summary>Images, contexts, golden fixtures and an independent scalar reference sampler for the spatial transform tests.</summary>
internal static class SpatialTestData
{
    public static readonly string FixtureDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "transforms", "spatial");

    public static MedicalImage Image(Tensor data, AffineMatrix? affine = null, ImageProperties? properties = null) =>
        new(data, affine ?? AffineMatrix.Identity, properties);

    /// <summary>An image whose properties record its own grid as the original one (as LoadNifti does).</summary>
    public static MedicalImage Loaded(Tensor data, AffineMatrix affine) =>
        new(data, affine, new ImageProperties { SourceFiles = ["case.nii.gz"], OriginalAffine = affine, OriginalSpatialShape = data.shape[1..] });

    public static TransformContext Context(params (string Field, object Value)[] fields) => Context(0, 0, fields);

    public static TransformContext Context(int index, long seed, params (string Field, object Value)[] fields)
    {
        var context = new TransformContext(new SampleInfo(index, $"case{index}.nii.gz", seed));
        foreach (var (field, value) in fields) context.Set(field, value);
        return context;
    }

    public static MedicalImage ImageOf(TransformContext context, string field) => context.GetImage(field, "test");

    public static double[] Values(Tensor t)
    {
        using var d = t.to_type(ScalarType.Float64).contiguous();
        return d.data<double>().ToArray();
    }

    public static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.to_type(ScalarType.Float64).eq(b.to_type(ScalarType.Float64)).all();
        return eq.item<bool>();
    }

    /// <summary>Reproducible uniform values in [low, high).</summary>
    public static Tensor Uniform(long[] shape, double low = -1000, double high = 1000, ulong seed = 1)
    {
        var random = new SampleRandom(seed);
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        for (var i = 0; i < n; i++) values[i] = (float)random.NextDouble(low, high);
        return tensor(values).reshape(shape);
    }

    /// <summary>An axis-aligned affine with the given voxel sizes (negative for a flipped axis) and origin.</summary>
    public static AffineMatrix Axes(double si, double sj, double sk, double x = 0, double y = 0, double z = 0) =>
        AffineMatrix.FromArray(new double[,] { { si, 0, 0, x }, { 0, sj, 0, y }, { 0, 0, sk, z }, { 0, 0, 0, 1 } });

    /// <summary>An oblique affine: a rotation of the axes by a few degrees, voxel sizes and an origin (no dominant-axis ambiguity).</summary>
    public static AffineMatrix Oblique(double si, double sj, double sk)
    {
        var r = Rotations.Matrix3D(7, -5, 12);
        var m = new double[4, 4];
        m[3, 3] = 1;
        double[] s = [si, sj, sk];
        for (var row = 0; row < 3; row++)
        for (var c = 0; c < 3; c++)
            m[row, c] = r[row, c] * s[c];
        m[0, 3] = 12; m[1, 3] = -30; m[2, 3] = 4;
        return AffineMatrix.FromArray(m);
    }

    // ---- golden fixtures written by tools/fixtures/make_spatial_fixtures.py ----

    public sealed record Fixture(string Name, JsonElement Meta, long[] InputShape, AffineMatrix InputAffine, double[] Input,
        long[] ExpectedShape, AffineMatrix ExpectedAffine, double[] Expected, Interpolation Interpolation, double Tolerance)
    {
        public MedicalImage InputImage() => Image(tensor(Input).reshape(InputShape).to_type(ScalarType.Float32), InputAffine);

        public JsonElement Param(string name) => Meta.GetProperty("params").GetProperty(name);

        public double[] Numbers(string name) => Param(name).ValueKind == JsonValueKind.Array
            ? Param(name).EnumerateArray().Select(e => e.GetDouble()).ToArray()
            : [Param(name).GetDouble()];
    }

    public static Fixture LoadFixture(string name)
    {
        var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir, name + ".json"))).RootElement;
        long[] Shape(string key) => meta.GetProperty(key).EnumerateArray().Select(e => e.GetInt64()).ToArray();
        AffineMatrix Affine(string key) => AffineMatrix.FromRowMajor(meta.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray());
        double[] Bin(string suffix)
        {
            var bytes = File.ReadAllBytes(Path.Combine(FixtureDir, $"{name}.{suffix}.bin"));
            var values = new double[bytes.Length / 8];
            for (var i = 0; i < values.Length; i++) values[i] = BitConverter.ToDouble(bytes, i * 8);
            return values;
        }
        var interpolation = meta.GetProperty("interpolation").GetString() == "nearest" ? Interpolation.Nearest : Interpolation.Linear;
        return new Fixture(name, meta, Shape("input_shape"), Affine("input_affine"), Bin("input"), Shape("expected_shape"),
            Affine("expected_affine"), Bin("expected"), interpolation, meta.GetProperty("tolerance").GetDouble());
    }

    // ---- independent reference: scalar (bi/tri)linear and nearest sampling with border clamping ----

    /// <summary>The value of channel <paramref name="channel"/> at continuous index <paramref name="s"/>, computed voxel by voxel in C#.</summary>
    public static double Sample(double[] data, long[] spatialShape, int channel, double[] s, Interpolation interpolation)
    {
        var rank = spatialShape.Length;
        var voxels = spatialShape.Aggregate(1L, (a, b) => a * b);
        long Offset(long[] index)
        {
            long o = 0;
            for (var a = 0; a < rank; a++) o = o * spatialShape[a] + index[a];
            return channel * voxels + o;
        }
        if (interpolation == Interpolation.Nearest)
            return data[Offset(s.Select((v, a) => (long)Math.Clamp(Math.Floor(v + 0.5), 0, spatialShape[a] - 1)).ToArray())];

        var clamped = s.Select((v, a) => Math.Clamp(v, 0, spatialShape[a] - 1)).ToArray();
        var lower = clamped.Select(v => (long)Math.Floor(v)).ToArray();
        var total = 0.0;
        for (var corner = 0; corner < 1 << rank; corner++)
        {
            var weight = 1.0;
            var index = new long[rank];
            for (var a = 0; a < rank; a++)
            {
                var up = (corner >> a & 1) == 1;
                var f = clamped[a] - lower[a];
                index[a] = Math.Min(lower[a] + (up ? 1 : 0), spatialShape[a] - 1);
                weight *= up ? f : 1 - f;
            }
            if (weight != 0) total += weight * data[Offset(index)];
        }
        return total;
    }

    /// <summary>Checks the geometry invariant: every voxel of <paramref name="after"/> holds <paramref name="before"/>'s value at the same world point (where that point lies inside <paramref name="before"/>).</summary>
    /// <returns>The number of voxels checked.</returns>
    public static int AssertWorldInvariant(MedicalImage before, MedicalImage after, Interpolation interpolation, double tolerance, int stride = 1)
    {
        var source = Values(before.Data);
        var result = Values(after.Data);
        var rank = before.SpatialRank;
        var shape = after.SpatialShape;
        var toSource = before.Affine.Inverse().Multiply(after.Affine);
        var voxels = shape.Aggregate(1L, (a, b) => a * b);
        var checkedCount = 0;
        var worst = 0.0;
        for (var c = 0; c < after.Channels; c++)
        for (long v = 0; v < voxels; v += stride)
        {
            var t = new long[rank];
            var rest = v;
            for (var a = rank - 1; a >= 0; a--) { t[a] = rest % shape[a]; rest /= shape[a]; }
            var (x, y, z) = toSource.Apply(t[0], t[1], rank == 3 ? t[2] : 0);
            var s = new[] { x, y, z }[..rank];
            if (s.Select((value, a) => value < -1e-9 || value > before.SpatialShape[a] - 1 + 1e-9).Any(outside => outside)) continue;
            var expected = Sample(source, before.SpatialShape, c, s, interpolation);
            worst = Math.Max(worst, Math.Abs(expected - result[c * voxels + v]));
            checkedCount++;
        }
        Assert.That(worst, Is.LessThanOrEqualTo(tolerance), "largest difference from the old image at the same world point");
        return checkedCount;
    }

    public static void AssertSameWorld((double X, double Y, double Z) actual, (double X, double Y, double Z) expected, string? message = null) =>
        Assert.That(new[] { actual.X, actual.Y, actual.Z }, Is.EqualTo(new[] { expected.X, expected.Y, expected.Z }).Within(1e-9), message);

    /// <summary>The world position of voxel <paramref name="index"/>.</summary>
    public static (double X, double Y, double Z) World(MedicalImage image, params long[] index) =>
        image.Affine.Apply(index[0], index[1], index.Length > 2 ? index[2] : 0);
}
