using System.Buffers.Binary;
using System.IO.Compression;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>Specific malformations and the problem each one is reported as.</summary>
public sealed class NiftiFormatErrorTests
{
    private string _dir = "";
    private byte[] _valid = [];

    [SetUp]
    public void CreateValidFile()
    {
        _dir = Directory.CreateTempSubdirectory("nifti-errors-").FullName;
        var path = Path.Combine(_dir, "valid.nii");
        using (var image = new MedicalImage(arange(6 * 5 * 4, dtype: ScalarType.Int16).reshape(1, 6, 5, 4), AffineMatrix.Identity))
            NiftiWriter.Write(image, path);
        _valid = File.ReadAllBytes(path);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<TestCaseData> Malformations()
    {
        yield return Case("wrong magic", b => b[344] = (byte)'x', "magic");
        yield return Case("Analyze header", b => b.AsSpan(344, 4).Clear(), "Analyze");
        yield return Case("not NIfTI at all", b =>
        {
            BinaryPrimitives.WriteInt32LittleEndian(b, 1234);
            b[344] = (byte)'x';
        }, "sizeof_hdr");
        yield return Case("RGB datatype", b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(70), 128), "datatype 128 is not supported");
        yield return Case("negative dim", b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44), -5), "dim[2] = -5");
        yield return Case("rank 9", b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(40), 9), "dim[0] = 9");
        yield return Case("dims larger than the file", b => BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(42), 30000), "truncated");
        yield return Case("vox_offset beyond the file", b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(108), 1e7f), "truncated");
        yield return Case("NaN vox_offset", b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(108), float.NaN), "vox_offset");
        yield return Case("more than 8 GiB", b =>
        {
            // 32767 × 32767 × 8 int16 voxels are 16 GiB.
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(42), 32767);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44), 32767);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(46), 8);
        }, "limit");
        yield return Case("absurd voxel count", b =>
        {
            foreach (var at in new[] { 42, 44, 46, 48, 50 }) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(at), 32767);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(40), 5);
        }, "absurd");
        yield return Case("non-unit quaternion", b =>
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(254), 0);
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(252), 1);
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(256), 0.9f);
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(260), 0.9f);
        }, "quaternion");
        yield return Case("all-zero sform", b => b.AsSpan(280, 48).Clear(), "the affine from the sform (sform_code 2, srow_x/y/z) is singular");
        yield return Case("NaN in the sform", b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(284), float.NaN), "has non-finite entries: [[1, NaN, 0, 0]");
        yield return Case("infinite intercept", b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(116), float.PositiveInfinity), "scl_inter");
        yield return Case("truncated data", b => { }, "truncated", truncate: 1);
        yield return Case("truncated header", b => { }, "truncated: the NIfTI-1 header needs 348 bytes", truncate: 300);

        static TestCaseData Case(string name, Action<byte[]> corrupt, string problem, int truncate = 0) =>
            new TestCaseData(corrupt, problem, truncate).SetName($"Reports {name}");
    }

    [TestCaseSource(nameof(Malformations))]
    public void IsReportedAsAFormatErrorNamingTheFile(Action<byte[]> corrupt, string problem, int truncate)
    {
        var bytes = (byte[])_valid.Clone();
        corrupt(bytes);
        bytes = bytes[..^truncate];
        foreach (var gzip in new[] { false, true })
        {
            var path = Path.Combine(_dir, gzip ? "bad.nii.gz" : "bad.nii");
            File.WriteAllBytes(path, gzip ? Gzip(bytes) : bytes);
            var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path).Dispose());
            Assert.That(e!.Message, Does.Contain(path));
            Assert.That(e.Problem, Does.Contain(problem), e.Message);
        }
    }

    [Test]
    public void DamagedSizeofHdrIsReadByItsMagicWithAWarning()
    {
        var bytes = (byte[])_valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 349);
        var path = Path.Combine(_dir, "sizeof.nii");
        File.WriteAllBytes(path, bytes);
        var warnings = new List<string>();
        using (NiftiWarnings.RedirectTo(warnings.Add))
        using (var image = NiftiReader.Read(path))
            Assert.That(image.Data.shape, Is.EqualTo(new long[] { 1, 6, 5, 4 }));
        Assert.That(warnings, Is.EqualTo(new[] { $"{path}: sizeof_hdr is 349, not 348; read as NIfTI-1 by its magic \"n+1\", as nibabel does" }));
    }

    [Test]
    public void GzipStreamThatEndsEarlyDespiteAPlausibleTrailer()
    {
        var whole = Gzip(_valid);
        // Keep the trailer (CRC and ISIZE) but drop half the deflate data: the size check passes, the stream ends early.
        var cut = whole[..(whole.Length / 2)].Concat(whole[^8..]).ToArray();
        var path = Path.Combine(_dir, "short.nii.gz");
        File.WriteAllBytes(path, cut);
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path).Dispose());
        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void FlippedGzipPayloadIsCaught()
    {
        var whole = Gzip(_valid);
        var flipped = (byte[])whole.Clone();
        flipped[flipped.Length / 2] ^= 0x55;
        var path = Path.Combine(_dir, "flipped.nii.gz");
        File.WriteAllBytes(path, flipped);
        var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(path).Dispose());
        Assert.That(e!.Message, Does.Contain(path));
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(plain);
        return memory.ToArray();
    }
}
