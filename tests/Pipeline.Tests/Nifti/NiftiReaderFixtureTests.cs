using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>Our reader against nibabel's reading of golden files made by tools/fixtures/make_nifti_fixtures.py.</summary>
public sealed class NiftiReaderFixtureTests
{
    private static IEnumerable<string> Fixtures() => NiftiFixtureExpectation.GoldenStems();

    private static NiftiFixtureExpectation Expect(string stem) =>
        NiftiFixtureExpectation.Load(Path.Combine(NiftiFixtureExpectation.Folder, stem + ".expected.json"));

    private static string PathOf(NiftiFixtureExpectation e) => Path.Combine(NiftiFixtureExpectation.Folder, e.File);

    [Test]
    public void AllFixtureKindsArePresent()
    {
        var stems = Fixtures().ToList();
        Assert.That(stems, Has.Count.GreaterThanOrEqualTo(20));
        var all = stems.Select(Expect).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(all.Select(e => e.Version).Distinct(), Is.EquivalentTo(new[] { 1, 2 }));
            Assert.That(all.Select(e => e.ByteOrder).Distinct(), Is.EquivalentTo(new[] { "little", "big" }));
            Assert.That(all.Select(e => e.AffineSource).Distinct(), Is.EquivalentTo(new[] { "sform", "qform", "pixdim" }));
            Assert.That(all.Select(e => e.RawDtype).Distinct(),
                Is.SupersetOf(new[] { "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "float32", "float64" }));
            Assert.That(all.Any(e => e.Scaled) && all.Any(e => e.Shape.Length == 2) && all.Any(e => e.Shape.Length >= 4));
            Assert.That(all.Any(e => e.Files.Length == 2 && e.File.EndsWith(".hdr")) && all.Any(e => e.File.EndsWith(".hdr.gz")));
        });
    }

    [TestCaseSource(nameof(Fixtures))]
    public void DataAndAffineMatchNibabel(string stem)
    {
        var e = Expect(stem);
        using var image = NiftiReader.Read(PathOf(e));
        Assert.That(image.Data.shape, Is.EqualTo(e.ChannelsFirstShape()), "shape [C, i, j(, k)]");
        Assert.That(image.Data.dtype, Is.EqualTo(ExpectedDtype(e)));
        Assert.That(image.Data.is_contiguous(), Is.True);
        Assert.That(image.Affine.ApproximatelyEquals(AffineMatrix.FromRowMajor(e.Affine), 1e-6), Is.True,
            $"affine\n{image.Affine}\nexpected\n{AffineMatrix.FromRowMajor(e.Affine)}");

        using var expected = e.ExpectedChannelsFirst();
        if (e.Scaled)
        {
            // nibabel scales in float64; our float32 result must be that value rounded once.
            using var expectedFloat = expected.to(image.Data.dtype);
            Assert.That(image.Data.allclose(expectedFloat, rtol: 0, atol: 0), Is.True, "scaled data differ from nibabel's, rounded to float32");
        }
        else
        {
            using var ours = image.Data.to(ScalarType.Float64);
            Assert.That(ours.allclose(expected, rtol: 0, atol: 0, equal_nan: true), Is.True, "data differ from nibabel's");
        }

        Assert.That(image.Properties.SourceFiles, Is.EqualTo(new[] { Path.GetFullPath(PathOf(e)) }));
        Assert.That(image.Properties.OriginalAffine, Is.EqualTo(image.Affine));
        Assert.That(image.Properties.OriginalSpatialShape, Is.EqualTo(e.Shape.Take(3).ToArray()));
    }

    [TestCaseSource(nameof(Fixtures))]
    public void OrientationAndSpacingMatchNibabel(string stem)
    {
        var e = Expect(stem);
        using var image = NiftiReader.Read(PathOf(e));
        var rank = image.SpatialRank;
        Assert.That(image.Orientation, Is.EqualTo(e.Axcodes[..rank]), "aff2axcodes");
        Assert.That(Orientation.AxisCodes(AffineMatrix.FromRowMajor(e.Affine)), Is.EqualTo(e.Axcodes), "aff2axcodes of nibabel's own affine");
        Assert.That(image.Spacing, Is.EqualTo(e.VoxelSizes[..rank]).Within(1e-6), "voxel sizes of the affine");
        Assert.That(image.Spacing, Is.EqualTo(e.Zooms[..rank]).Within(1e-5), "header zooms");
    }

    [TestCaseSource(nameof(Fixtures))]
    public void HeaderMatchesTheFile(string stem)
    {
        var e = Expect(stem);
        var h = NiftiReader.ReadHeader(PathOf(e));
        var raw = e.RawHeader;
        Assert.Multiple(() =>
        {
            Assert.That((int)h.Version, Is.EqualTo(e.Version));
            Assert.That(h.ByteOrder, Is.EqualTo(e.ByteOrder == "big" ? NiftiByteOrder.BigEndian : NiftiByteOrder.LittleEndian));
            Assert.That(h.HeaderSize, Is.EqualTo(raw.SizeofHdr));
            Assert.That(h.Magic, Is.EqualTo(raw.Magic));
            Assert.That((int)h.DataType, Is.EqualTo(raw.Datatype));
            Assert.That(h.BitsPerVoxel, Is.EqualTo(raw.Bitpix));
            Assert.That(h.Dim, Is.EqualTo(raw.Dim));
            Assert.That(h.Shape, Is.EqualTo(e.Shape));
            Assert.That(h.PixDim, Is.EqualTo(raw.Pixdim));
            Assert.That(h.VoxOffset, Is.EqualTo(raw.VoxOffset));
            Assert.That(h.SclSlope, Is.EqualTo(raw.SclSlope));
            Assert.That(h.SclInter, Is.EqualTo(raw.SclInter));
            Assert.That(h.HasScaling, Is.EqualTo(e.Scaled));
            Assert.That(h.QformCode, Is.EqualTo(raw.QformCode));
            Assert.That(h.SformCode, Is.EqualTo(raw.SformCode));
            Assert.That(new[] { h.Quaternion.B, h.Quaternion.C, h.Quaternion.D }, Is.EqualTo(raw.Quatern));
            Assert.That(new[] { h.QOffset.X, h.QOffset.Y, h.QOffset.Z }, Is.EqualTo(raw.Qoffset));
            Assert.That(h.SRows, Is.EqualTo(raw.Srow));
            Assert.That(h.XyztUnits, Is.EqualTo(raw.XyztUnits));
            Assert.That(h.IntentCode, Is.EqualTo(raw.IntentCode));
            Assert.That(h.Description, Is.EqualTo(raw.Descrip));
            Assert.That(h.AffineSource.ToString(), Is.EqualTo(e.AffineSource switch { "sform" => "Sform", "qform" => "Qform", _ => "PixdimFallback" }));
            Assert.That(h.GetBestAffine().ApproximatelyEquals(AffineMatrix.FromRowMajor(e.Affine), 1e-6), Is.True);
        });
    }

    [Test]
    public void EitherHalfOfAPairNamesTheImage()
    {
        var folder = NiftiFixtureExpectation.Folder;
        using var fromHeader = NiftiReader.Read(Path.Combine(folder, "uint16_pair.hdr"));
        using var fromImage = NiftiReader.Read(Path.Combine(folder, "uint16_pair.img"));
        using var fromGzImage = NiftiReader.Read(Path.Combine(folder, "int8_pair_gz.img.gz"));
        Assert.That(fromImage.Data.allclose(fromHeader.Data, rtol: 0, atol: 0), Is.True);
        Assert.That(fromGzImage.Data.shape, Is.EqualTo(new long[] { 1, 4, 5, 3 }));
    }

    [Test]
    public void MissingPairPartnerIsReported()
    {
        var dir = Directory.CreateTempSubdirectory("nifti-pair-").FullName;
        try
        {
            var header = Path.Combine(dir, "lonely.hdr");
            File.Copy(Path.Combine(NiftiFixtureExpectation.Folder, "uint16_pair.hdr"), header);
            var e = Assert.Throws<FileNotFoundException>(() => NiftiReader.Read(header));
            Assert.That(e!.Message, Does.Contain("lonely.img"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ScalarType ExpectedDtype(NiftiFixtureExpectation e)
    {
        if (e.Scaled) return e.RawDtype == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        return e.RawDtype switch
        {
            "uint8" => ScalarType.Byte,
            "int8" => ScalarType.Int8,
            "int16" => ScalarType.Int16,
            "uint16" => ScalarType.Int32,
            "int32" => ScalarType.Int32,
            "uint32" => ScalarType.Int64,
            "int64" => ScalarType.Int64,
            "float32" => ScalarType.Float32,
            "float64" => ScalarType.Float64,
            _ => throw new AssertionException($"unexpected dtype {e.RawDtype}"),
        };
    }
}
