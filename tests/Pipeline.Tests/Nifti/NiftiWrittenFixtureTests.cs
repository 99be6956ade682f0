using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>
/// Our writer's output against nibabel's reading of it. The files in Fixtures/nifti/written/ come from
/// this test itself when run with MMAR_WRITE_FIXTURES=1 (it then rewrites them in the source tree); nibabel's reading of them (FILE.nibabel.json) from
/// <c>/usr/bin/python3 tools/fixtures/make_nifti_fixtures.py verify</c>. Run both again whenever the writer's output changes.
/// </summary>
public sealed class NiftiWrittenFixtureTests
{
    private const string Regenerate =
        "regenerate: run these tests with MMAR_WRITE_FIXTURES=1, then /usr/bin/python3 tools/fixtures/make_nifti_fixtures.py verify";

    private static string Folder => Path.Combine(NiftiFixtureExpectation.Folder, "written");

    private static IEnumerable<string> Cases() => WrittenNiftiCases.All.Select(c => c.FileName);

    private static WrittenNiftiCases.Case Case(string fileName) => WrittenNiftiCases.All.Single(c => c.FileName == fileName);

    [TestCaseSource(nameof(Cases))]
    public void WriterStillProducesTheFileNibabelVerified(string fileName)
    {
        var c = Case(fileName);
        var committed = Path.Combine(Folder, c.FileName);
        if (Environment.GetEnvironmentVariable("MMAR_WRITE_FIXTURES") == "1")
        {
            // Deliberate regeneration: write the source-tree copy and the output copy, then compare as usual.
            foreach (var target in new[] { Path.Combine(SourceFolder(), "..", "Fixtures", "nifti", "written", c.FileName), committed })
            {
                using var image = c.Build();
                NiftiWriter.Write(image, target, c.Type);
            }
        }
        var recordedPath = committed + ".nibabel.json";
        Assert.That(File.Exists(committed) && File.Exists(recordedPath), Is.True, $"{c.FileName} or its nibabel record is missing; {Regenerate}");
        var dir = Directory.CreateTempSubdirectory("nifti-written-").FullName;
        try
        {
            var fresh = Path.Combine(dir, c.FileName);
            using (var image = c.Build())
                NiftiWriter.Write(image, fresh, c.Type);
            Assert.That(Uncompressed(fresh), Is.EqualTo(Uncompressed(committed)), $"the writer's output changed; {Regenerate}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void NibabelAndWeReadTheWrittenFileAlike(string fileName)
    {
        var path = Path.Combine(Folder, fileName);
        var nibabel = NiftiFixtureExpectation.Load(path + ".nibabel.json");
        using var image = NiftiReader.Read(path);
        var header = NiftiReader.ReadHeader(path);

        Assert.Multiple(() =>
        {
            Assert.That(image.Data.shape, Is.EqualTo(nibabel.ChannelsFirstShape()));
            Assert.That(header.DataType.ToString().ToLowerInvariant(), Is.EqualTo(nibabel.RawDtype));
            Assert.That(image.Affine.ApproximatelyEquals(AffineMatrix.FromRowMajor(nibabel.Affine), 1e-6), Is.True, "affine");
            Assert.That(header.SformCode, Is.EqualTo(nibabel.SformCode));
            Assert.That(header.QformCode, Is.EqualTo(nibabel.QformCode));
            Assert.That(image.Orientation, Is.EqualTo(nibabel.Axcodes[..image.SpatialRank]));
            Assert.That(image.Spacing, Is.EqualTo(nibabel.Zooms[..image.SpatialRank]).Within(1e-5));
            Assert.That(nibabel.Scaled, Is.False);
            Assert.That(DataSha256InNibabelOrder(image.Data, nibabel.Shape), Is.EqualTo(nibabel.DataSha256), "data");

            var raw = nibabel.RawHeader;
            Assert.That(header.Dim, Is.EqualTo(raw.Dim));
            Assert.That(header.PixDim, Is.EqualTo(raw.Pixdim));
            Assert.That(new[] { header.Quaternion.B, header.Quaternion.C, header.Quaternion.D }, Is.EqualTo(raw.Quatern));
            Assert.That(header.SRows, Is.EqualTo(raw.Srow));
            Assert.That(raw.VoxOffset, Is.EqualTo(352));
            Assert.That(raw.Magic, Is.EqualTo("n+1"));
        });

        // The qform nibabel would fall back to must describe the same grid as the sform (up to float32 storage).
        var qform = (header with { SformCode = 0, QformCode = 1 }).GetBestAffine();
        Assert.That(qform.ApproximatelyEquals(image.Affine, 1e-4), Is.True, $"qform\n{qform}\nsform\n{image.Affine}");
    }

    private static string SourceFolder([CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;

    private static byte[] Uncompressed(string path)
    {
        if (!path.EndsWith(".gz")) return File.ReadAllBytes(path);
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>SHA-256 of the data as float64 little-endian, C order of nibabel's array shape (channels last).</summary>
    private static string DataSha256InNibabelOrder(Tensor data, long[] nibabelShape)
    {
        using var asDouble = data.to(ScalarType.Float64);
        var spatialRank = data.dim() - 1;
        var order = Enumerable.Range(1, (int)spatialRank).Select(i => (long)i).Append(0).ToArray();
        using var channelsLast = asDouble.permute(order);
        using var contiguous = channelsLast.contiguous();
        using var shaped = contiguous.reshape(nibabelShape);
        var bytes = shaped.bytes;
        Assert.That(BitConverter.IsLittleEndian, Is.True);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
