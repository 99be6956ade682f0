using System.IO.Compression;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>Writer behaviour that the nibabel-verified files do not pin down: every datatype, conversions, layout, atomic replacement.</summary>
public sealed class NiftiWriterTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("nifti-writer-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static readonly AffineMatrix Oblique = AffineMatrix.FromRowMajor(
    [
        0.6478, -0.2695, 0.5204, -91.2,
        0.2515, 0.7403, -0.3608, 17.5,
        -0.0840, 0.1389, 2.9324, 40,
        0, 0, 0, 1,
    ]);

    private static IEnumerable<TestCaseData> EveryDatatype() =>
        Enum.GetValues<NiftiDataType>().SelectMany(t => new[] { new TestCaseData(t, ".nii"), new TestCaseData(t, ".nii.gz") });

    [TestCaseSource(nameof(EveryDatatype))]
    public void RoundTripsEveryDatatype(NiftiDataType type, string extension)
    {
        var (min, max) = type switch
        {
            NiftiDataType.UInt8 => (0.0, 255.0),
            NiftiDataType.Int8 => (-128.0, 127.0),
            NiftiDataType.Int16 => (-32768.0, 32767.0),
            NiftiDataType.UInt16 => (0.0, 65535.0),
            NiftiDataType.Int32 => (int.MinValue, int.MaxValue),
            NiftiDataType.UInt32 => (0.0, uint.MaxValue),
            NiftiDataType.Int64 => (-9e15, 9e15),
            _ => (-1e6, 1e6),
        };
        var random = new Random((int)type);
        var values = Enumerable.Range(0, 5 * 4 * 3)
            .Select(i => i == 0 ? min : i == 1 ? max : min + (max - min) * random.NextDouble())
            .Select(v => type.IsInteger() ? Math.Round(v) : v).ToArray();
        using var source = tensor(values).reshape(1, 5, 4, 3);
        using var image = new MedicalImage(source.to(type.TensorType()), Oblique);
        var path = Path.Combine(_dir, "roundtrip" + extension);

        NiftiWriter.Write(image, path, type);

        using var back = NiftiReader.Read(path);
        var header = NiftiReader.ReadHeader(path);
        Assert.That(header.DataType, Is.EqualTo(type));
        Assert.That(back.Data.dtype, Is.EqualTo(type.TensorType()));
        Assert.That(back.Data.allclose(image.Data, rtol: 0, atol: 0), Is.True, "values survive exactly");
        Assert.That(back.Affine.ApproximatelyEquals(Oblique, 1e-5), Is.True, "affine survives to float32 precision");
    }

    [Test]
    public void GeometryIsStoredAsNibabelStoresIt()
    {
        using var image = new MedicalImage(zeros(1, 4, 3, 2), Oblique);
        var path = Path.Combine(_dir, "geometry.nii");
        NiftiWriter.Write(image, path);

        var h = NiftiReader.ReadHeader(path);
        Assert.Multiple(() =>
        {
            Assert.That(h.Version, Is.EqualTo(NiftiVersion.Nifti1));
            Assert.That(h.Magic, Is.EqualTo("n+1"));
            Assert.That(h.VoxOffset, Is.EqualTo(352));
            Assert.That(h.SformCode, Is.EqualTo(2), "aligned");
            Assert.That(h.QformCode, Is.EqualTo(0), "unknown, but filled in");
            Assert.That(h.PixDim[0], Is.EqualTo(1), "right-handed: qfac 1");
            Assert.That(h.PixDim.Skip(1).Take(3), Is.EqualTo(Oblique.Spacing()).Within(1e-6));
            Assert.That(h.HasScaling, Is.False);
            Assert.That(h.XyztUnits, Is.EqualTo(2), "millimetres");
            Assert.That(new FileInfo(path).Length, Is.EqualTo(352 + 4 * 3 * 2 * 4));
        });
        var qform = (h with { SformCode = 0, QformCode = 1 }).GetBestAffine();
        Assert.That(qform.ApproximatelyEquals(Oblique, 1e-4), Is.True, $"qform\n{qform}");
    }

    [Test]
    public void LeftHandedAxesGetNegativeQfac()
    {
        var lps = AffineMatrix.FromRowMajor([-1, 0, 0, 5, 0, -1, 0, 6, 0, 0, 2, 7, 0, 0, 0, 1]);
        using var image = new MedicalImage(zeros(1, 3, 3, 3), AffineMatrix.FromRowMajor([-1, 0, 0, 5, 0, 1, 0, 6, 0, 0, 2, 7, 0, 0, 0, 1]));
        var path = Path.Combine(_dir, "las.nii");
        NiftiWriter.Write(image, path);
        var h = NiftiReader.ReadHeader(path);
        Assert.That(h.PixDim[0], Is.EqualTo(-1));
        Assert.That((h with { SformCode = 0, QformCode = 1 }).GetBestAffine().ApproximatelyEquals(image.Affine, 1e-6), Is.True);

        using var lpsImage = new MedicalImage(zeros(1, 3, 3, 3), lps);
        NiftiWriter.Write(lpsImage, path);
        var h2 = NiftiReader.ReadHeader(path);
        Assert.That(h2.PixDim[0], Is.EqualTo(1), "two flips make a rotation");
        Assert.That((h2 with { SformCode = 0, QformCode = 1 }).GetBestAffine().ApproximatelyEquals(lps, 1e-6), Is.True);
    }

    [Test]
    public void FloatsBecomeIntegersLikeNibabelWritesThem()
    {
        double[] values = [2.5, 3.5, -2.5, -3.5, 0.49, 1e6, -1e6, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 254.5, 255.5];
        using var data = tensor(values).reshape(1, values.Length, 1, 1).to(ScalarType.Float32);
        using var image = new MedicalImage(data.alias(), AffineMatrix.Identity);

        var int16 = ReadBack(image, NiftiDataType.Int16);
        var uint8 = ReadBack(image, NiftiDataType.UInt8);
        var int32 = ReadBack(image, NiftiDataType.Int32);

        Assert.That(int16, Is.EqualTo(new long[] { 2, 4, -2, -4, 0, 32767, -32768, 0, 32767, -32768, 254, 256 }));
        Assert.That(uint8, Is.EqualTo(new long[] { 2, 4, 0, 0, 0, 255, 0, 0, 255, 0, 254, 255 }));
        Assert.That(int32, Is.EqualTo(new long[] { 2, 4, -2, -4, 0, 1_000_000, -1_000_000, 0, int.MaxValue, int.MinValue, 254, 256 }));
    }

    [Test]
    public void IntegersAreClippedNotWrapped()
    {
        using var data = tensor(new long[] { -70000, -1, 0, 65535, 70000 }).reshape(1, 5, 1, 1);
        using var image = new MedicalImage(data.alias(), AffineMatrix.Identity);
        Assert.That(ReadBack(image, NiftiDataType.Int16), Is.EqualTo(new long[] { -32768, -1, 0, 32767, 32767 }));
        Assert.That(ReadBack(image, NiftiDataType.UInt16), Is.EqualTo(new long[] { 0, 0, 0, 65535, 65535 }));
        Assert.That(ReadBack(image, NiftiDataType.UInt8), Is.EqualTo(new long[] { 0, 0, 0, 255, 255 }));
    }

    [Test]
    public void DefaultDatatypeFollowsTheTensor()
    {
        using var small = new MedicalImage(tensor(new long[] { -5, 0, 7, int.MaxValue }).reshape(1, 4, 1, 1), AffineMatrix.Identity);
        using var wide = new MedicalImage(tensor(new long[] { -5, 0, 7, int.MaxValue + 1L }).reshape(1, 4, 1, 1), AffineMatrix.Identity);
        using var mask = new MedicalImage(tensor(new[] { true, false }).reshape(1, 2, 1, 1), AffineMatrix.Identity);
        using var half = new MedicalImage(ones(1, 2, 1, 1, ScalarType.Float16), AffineMatrix.Identity);
        Assert.Multiple(() =>
        {
            Assert.That(NiftiWriter.DefaultType(small.Data), Is.EqualTo(NiftiDataType.Int32), "int64 that fits: int32, like nibabel's 'compat'");
            Assert.That(NiftiWriter.DefaultType(wide.Data), Is.EqualTo(NiftiDataType.Int64));
            Assert.That(NiftiWriter.DefaultType(mask.Data), Is.EqualTo(NiftiDataType.UInt8));
            Assert.That(NiftiWriter.DefaultType(half.Data), Is.EqualTo(NiftiDataType.Float32));
        });
        Assert.That(ReadBack(mask, null), Is.EqualTo(new long[] { 1, 0 }));
    }

    [Test]
    public void ChannelsBecomeTheFourthDimension()
    {
        using var data = arange(3 * 4 * 3 * 2, dtype: ScalarType.Float32).reshape(3, 4, 3, 2);
        using var image = new MedicalImage(data.alias(), Oblique);
        var path = Path.Combine(_dir, "channels.nii.gz");
        NiftiWriter.Write(image, path);

        Assert.That(NiftiReader.ReadHeader(path).Dim, Is.EqualTo(new long[] { 4, 4, 3, 2, 3, 1, 1, 1 }));
        using var back = NiftiReader.Read(path);
        Assert.That(back.Data.allclose(data, rtol: 0, atol: 0), Is.True);
    }

    [Test]
    public void TwoDimensionalImagesStayTwoDimensional()
    {
        using var data = arange(5 * 4, dtype: ScalarType.Int16).reshape(1, 5, 4);
        using var image = new MedicalImage(data.alias(), AffineMatrix.Diagonal(0.5, 0.7, 1));
        var path = Path.Combine(_dir, "flat.nii");
        NiftiWriter.Write(image, path);

        Assert.That(NiftiReader.ReadHeader(path).Dim, Is.EqualTo(new long[] { 2, 5, 4, 1, 1, 1, 1, 1 }));
        using var back = NiftiReader.Read(path);
        Assert.That(back.SpatialRank, Is.EqualTo(2));
        Assert.That(back.Data.allclose(data, rtol: 0, atol: 0), Is.True);

        // With channels a 2-D image needs a unit third axis in NIfTI, so it reads back as [C, i, j, 1].
        using var twoChannels = new MedicalImage(arange(2 * 5 * 4, dtype: ScalarType.Int16).reshape(2, 5, 4), AffineMatrix.Identity);
        NiftiWriter.Write(twoChannels, path);
        using var back2 = NiftiReader.Read(path);
        Assert.That(back2.Data.shape, Is.EqualTo(new long[] { 2, 5, 4, 1 }));
        using var squeezed = back2.Data.squeeze(3);
        Assert.That(squeezed.allclose(twoChannels.Data, rtol: 0, atol: 0), Is.True);
    }

    [TestCase(ScalarType.Float32)]
    [TestCase(ScalarType.Float64)]
    [TestCase(ScalarType.Int64)]
    [TestCase(ScalarType.Int32)]
    public void LeavesTheImageDataUnchanged(ScalarType dtype)
    {
        using var source = tensor(new[] { -1e6, -2.5, 0, 3.5, 1e6, double.NaN }).reshape(1, 6, 1, 1);
        using var data = dtype is ScalarType.Int64 or ScalarType.Int32 ? source.nan_to_num(0).to(dtype) : source.to(dtype);
        using var copy = data.clone();
        using var image = new MedicalImage(data.alias(), AffineMatrix.Identity);
        foreach (var type in new[] { NiftiDataType.Int8, NiftiDataType.UInt16, NiftiDataType.Int64, NiftiDataType.Float32 })
            NiftiWriter.Write(image, Path.Combine(_dir, "x.nii"), type);
        Assert.That(image.Data.allclose(copy, rtol: 0, atol: 0, equal_nan: true), Is.True);
    }

    [Test]
    public void ReplacesAnExistingFileAndLeavesNoTemporaryFiles()
    {
        var path = Path.Combine(_dir, "out.nii.gz");
        File.WriteAllText(path, "old contents");
        using var image = new MedicalImage(ones(1, 3, 3, 3), AffineMatrix.Identity);
        NiftiWriter.Write(image, path);

        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var first = new byte[4];
        gzip.ReadExactly(first);
        Assert.That(BitConverter.ToInt32(first), Is.EqualTo(348));
    }

    [Test]
    public void RejectsWhatNiftiOneCannotHold()
    {
        using var image = new MedicalImage(zeros(1, 2, 2, 2), AffineMatrix.Identity);
        using var huge = new MedicalImage(zeros(1, 40000, 1, 1, ScalarType.Byte), AffineMatrix.Identity);
        Assert.Throws<ArgumentException>(() => NiftiWriter.Write(image, Path.Combine(_dir, "x.mha")));
        Assert.Throws<ArgumentException>(() => NiftiWriter.Write(image, Path.Combine(_dir, "x.nii"), (NiftiDataType)128));
        Assert.Throws<ArgumentException>(() => NiftiWriter.Write(huge, Path.Combine(_dir, "x.nii")));
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }

    private long[] ReadBack(MedicalImage image, NiftiDataType? type)
    {
        var path = Path.Combine(_dir, $"readback-{type}.nii");
        NiftiWriter.Write(image, path, type);
        using var back = NiftiReader.Read(path);
        using var flat = back.Data.to(ScalarType.Int64).reshape(-1);
        return flat.data<long>().ToArray();
    }
}
