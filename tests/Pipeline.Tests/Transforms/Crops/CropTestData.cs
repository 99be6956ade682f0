using System.Runtime.InteropServices;
using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>Volumes, contexts and comparisons for the crop tests.</summary>
internal static class CropTestData
{
    /// <summary>An oblique affine (rotated about z, anisotropic voxels, offset origin) so a wrong translation shows in every world coordinate.</summary>
    public static AffineMatrix Oblique { get; } = AffineMatrix.FromRowMajor(
    [
        0.9553, -0.4432, 0.0, -91.2,
        0.2955, 1.4330, 0.0, 17.5,
        0.0, 0.0, 2.5, 40.0,
        0, 0, 0, 1,
    ]);

    /// <summary>Properties as LoadNifti sets them; crops must keep them unchanged.</summary>
    public static ImageProperties Properties { get; } = new()
    {
        SourceFiles = ["/data/case_11.nii.gz"],
        OriginalAffine = AffineMatrix.Diagonal(0.7, 0.7, 2.5),
        OriginalSpatialShape = [20, 18, 16],
    };

    /// <summary>A float32 image [channels, shape…] whose value is its C-order flat index (plus 100000 per channel), so every crop voxel says where it came from.</summary>
    public static MedicalImage Arange(long[] shape, int channels = 1, AffineMatrix? affine = null)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var data = arange(channels * count, ScalarType.Float32).reshape([channels, .. shape]);
        using var offsets = arange(channels, ScalarType.Float32).mul(100000 - count).reshape([channels, .. shape.Select(_ => 1L)]);
        data.add_(offsets);
        return new MedicalImage(data, affine ?? Oblique, Properties);
    }

    /// <summary>A label [1, shape…] (float32, as LoadNifti gives) that is 1 inside the box [lo, hi] and 0 elsewhere.</summary>
    public static MedicalImage BoxLabel(long[] shape, long[] lo, long[] hi, AffineMatrix? affine = null)
    {
        var data = zeros([1, .. shape], ScalarType.Float32);
        var view = data[0];
        for (var a = 0; a < shape.Length; a++) view = view.narrow(a, lo[a], hi[a] - lo[a] + 1);
        view.fill_(1);
        return new MedicalImage(data, affine ?? Oblique, Properties);
    }

    /// <summary>A context for sample <paramref name="index"/> of a run with <paramref name="seed"/> at <paramref name="epoch"/>, holding the given fields.</summary>
    public static TransformContext Context(int index, long seed, int epoch, params (string Field, object Value)[] fields)
    {
        var context = new TransformContext(new SampleInfo(index, $"/data/case_{index}.nii.gz", seed, epoch));
        foreach (var (field, value) in fields) context.Set(field, value);
        return context;
    }

    /// <summary>The values of a tensor as float64 in C order.</summary>
    public static double[] Values(Tensor t)
    {
        using var d = t.to_type(ScalarType.Float64).contiguous();
        return d.data<double>().ToArray();
    }

    /// <summary>True when two tensors have the same shape and identical values.</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.to_type(ScalarType.Float64).eq(b.to_type(ScalarType.Float64)).all().item<bool>();

    /// <summary>The images of a field (one for a plain image, every crop of a batch).</summary>
    public static IReadOnlyList<MedicalImage> ImagesOf(TransformContext context, string field) => context.GetImages(field, "test");

    /// <summary>The voxel index of the source image that a crop voxel came from, decoded from an <see cref="Arange"/> value.</summary>
    public static long[] SourceIndex(double value, long[] sourceShape)
    {
        var flat = (long)Math.Round(value);
        var index = new long[sourceShape.Length];
        for (var a = sourceShape.Length - 1; a >= 0; a--)
        {
            index[a] = flat % sourceShape[a];
            flat /= sourceShape[a];
        }
        return index;
    }

    /// <summary>World coordinates of a voxel index (2 or 3 entries).</summary>
    public static (double X, double Y, double Z) World(AffineMatrix affine, IReadOnlyList<double> index) =>
        affine.Apply(index[0], index[1], index.Count > 2 ? index[2] : 0);

    /// <summary>A float64 little-endian raw file from the crops fixture folder.</summary>
    public static double[] ReadFixture(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(FixtureFolder, name));
        return MemoryMarshal.Cast<byte, double>(bytes).ToArray();
    }

    /// <summary>Where the test build copies Fixtures/transforms/crops.</summary>
    public static string FixtureFolder => Path.Combine(NUnit.Framework.TestContext.CurrentContext.TestDirectory, "Fixtures", "transforms", "crops");
}
