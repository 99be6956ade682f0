using System.IO.Compression;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>Images big enough to take the paths small fixtures never reach: overlapped reading (over 16 MiB) and chunked conversion (over 4 M voxels).</summary>
public sealed class NiftiLargeImageTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("nifti-large-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [TestCase(".nii")]
    [TestCase(".nii.gz")]
    public void MultiChannelVolumeSurvivesTheOverlappedPath(string extension)
    {
        // 2 × 200 × 181 × 131 int16 is 18 MiB; the odd sizes leave partial tiles and bands.
        long[] shape = [2, 200, 181, 131];
        using var data = arange(shape.Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Int32).remainder(60001).sub(30000).to(ScalarType.Int16).reshape(shape);
        using var image = new MedicalImage(data.alias(), AffineMatrix.Diagonal(0.9, 0.8, 2.0));
        var path = Path.Combine(_dir, "large" + extension);
        NiftiWriter.Write(image, path);

        // Independent of our reader: the file's voxels, viewed in NIfTI's Fortran order, are the data transposed.
        var bytes = Uncompressed(path);
        using var fileOrder = empty([shape[0], shape[3], shape[2], shape[1]], ScalarType.Int16);
        bytes.AsSpan(352).CopyTo(fileOrder.bytes);
        using var asImage = fileOrder.permute(0, 3, 2, 1);
        Assert.That(asImage.allclose(data, rtol: 0, atol: 0), Is.True, "the writer's Fortran order");

        using var back = NiftiReader.Read(path);
        Assert.That(back.Data.shape, Is.EqualTo(shape));
        Assert.That(back.Data.allclose(data, rtol: 0, atol: 0), Is.True, "the reader's reorder");
    }

    [TestCase(ScalarType.Byte)]
    [TestCase(ScalarType.Int16)]
    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    public void EveryElementSizeIsReorderedLikeTorchPermute(ScalarType dtype)
    {
        // Odd sizes: whole SIMD blocks (8×8 for 2 bytes, 4×4 for 4) plus ragged edges, in two channels and two 2-D images.
        foreach (long[] shape in new[] { new long[] { 2, 37, 21, 45 }, [1, 53, 19], [3, 9, 70] })
        {
            using var data = arange(shape.Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Int64).remainder(251).to(dtype).reshape(shape);
            using var image = new MedicalImage(data.alias(), AffineMatrix.Identity);
            var path = Path.Combine(_dir, $"sizes-{dtype}-{shape.Length}-{shape[0]}.nii");
            NiftiWriter.Write(image, path);

            var written = NiftiReader.ReadHeader(path).Shape;
            using var fileOrder = empty(written.Reverse().ToArray(), dtype);
            File.ReadAllBytes(path).AsSpan(352).CopyTo(fileOrder.bytes);
            using var fortran = fileOrder.permute(Enumerable.Range(0, written.Length).Reverse().Select(i => (long)i).ToArray());
            using var expected = fortran.reshape([.. written.Take(shape.Length - 1), -1]).permute([shape.Length - 1, .. Enumerable.Range(0, shape.Length - 1).Select(i => (long)i)]);
            Assert.That(expected.reshape(shape).allclose(data, rtol: 0, atol: 0), Is.True, $"writer, shape [{string.Join(", ", shape)}]");

            using var back = NiftiReader.Read(path);
            using var backFlat = back.Data.reshape(shape);
            Assert.That(backFlat.allclose(data, rtol: 0, atol: 0), Is.True, $"reader, shape [{string.Join(", ", shape)}]");
        }
    }

    [Test]
    public void UnsignedConversionSpansSeveralChunks()
    {
        // 4.7 M voxels: the writer clips them to uint16 in two chunks.
        long[] shape = [1, 300, 260, 60];
        using var data = arange(shape.Aggregate(1L, (a, b) => a * b), dtype: ScalarType.Int64).remainder(65536).reshape(shape);
        using var image = new MedicalImage(data.alias(), AffineMatrix.Identity);
        var path = Path.Combine(_dir, "uint16.nii.gz");
        NiftiWriter.Write(image, path, NiftiDataType.UInt16);

        using var back = NiftiReader.Read(path);
        Assert.That(back.Data.dtype, Is.EqualTo(ScalarType.Int32));
        using var expected = data.to(ScalarType.Int32);
        Assert.That(back.Data.allclose(expected, rtol: 0, atol: 0), Is.True);
    }

    private static byte[] Uncompressed(string path)
    {
        if (!path.EndsWith(".gz")) return File.ReadAllBytes(path);
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
