using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Dicom;
using Pipeline.ImageIO.Nifti;
using Pipeline.Transforms.Spatial;
using static TorchSharp.torch;

namespace Pipeline.Tests.Dicom;

/// <summary>
/// Series made from real scans (tools/fixtures/make_dicom_fixtures.py) read as dcm2niix reads them: the same affine and
/// the same voxels in world space, for every encoding and slice direction; damaged and ambiguous folders refused.
/// </summary>
public sealed class DicomSeriesGeometryTests
{
    private static string Folder(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "dicom", name);

    private static IEnumerable<string> GoldenSeries() =>
        ["mr_axial_explicit_le", "mr_axial_implicit_le", "mr_axial_big_endian", "mr_axial_deflated", "mr_axial_rle", "mr_axial_jpeg_lossless_sv1", "mr_sagittal", "mr_coronal", "mr_oblique", "ct_axial",
            "mr_enhanced_multiframe", "ct_enhanced_multiframe"];

    [TestCaseSource(nameof(GoldenSeries))]
    public void TheSeriesIsDcm2niixsVolumeInWorldSpace(string name)
    {
        using var ours = DicomSeriesReader.Read(Folder(name), null, out var chosen);
        using var golden = NiftiReader.Read(Path.Combine(Folder(name), "golden.nii.gz"));

        // dcm2niix may store the axes in another order or direction; in RAS order both must be the same image.
        using var a = Reorientation.Apply(ours, "RAS");
        using var b = Reorientation.Apply(golden, "RAS");
        var affineError = Enumerable.Range(0, 16).Max(e => Math.Abs(a.Affine[e / 4, e % 4] - b.Affine[e / 4, e % 4]));
        TestContext.Progress.WriteLine($"dicom geometry | {name} | {chosen.Files.Count} files, [{string.Join("x", ours.SpatialShape)}] | max affine error vs dcm2niix {affineError:E2} mm");
        Assert.That(a.SpatialShape, Is.EqualTo(b.SpatialShape));
        Assert.That(affineError, Is.LessThan(1e-3), $"ours {a.Affine}\ndcm2niix {b.Affine}");
        using var x = a.Data.to_type(ScalarType.Float64);
        using var y = b.Data.to_type(ScalarType.Float64);
        Assert.That(x.eq(y).all().item<bool>(), Is.True, $"voxels differ: max {(x - y).abs().max().item<double>()}");
    }

    [Test]
    public void AGantryTiltIsRefusedByDefaultNamingTheAngleAndTheArg()
    {
        var error = Assert.Throws<DicomFormatException>(() => DicomSeriesReader.Read(Folder("ct_gantry_tilt")))!;

        Assert.That(error.Message, Does.Contain("sheared by 15°").And.Contain("gantry_tilt"));
    }

    [Test]
    public void AGantryTiltIsResampledOnRequestTrueToTheSeriesGeometry()
    {
        using var ours = DicomSeriesReader.Read(Folder("ct_gantry_tilt"), null, out _, GantryTiltHandling.Resample);
        // dcm2niix's volume as acquired: the slices' own voxels, the shear in its affine.
        using var golden = NiftiReader.Read(Path.Combine(Folder("ct_gantry_tilt"), "golden.nii.gz"));

        // Every voxel of ours must be dcm2niix's sheared volume sampled at that voxel's world position (bilinear in the
        // slice, the volume's minimum outside it): the grid is orthogonal, and no slice is cut off.
        var toGolden = golden.Affine.Inverse();
        var (gi, gj, gk) = ((int)golden.SpatialShape[0], (int)golden.SpatialShape[1], (int)golden.SpatialShape[2]);
        using var goldenValues = golden.Data.to_type(ScalarType.Float32).contiguous();
        var values = goldenValues.data<float>().ToArray();
        var fill = values.Min();
        using var oursValues = ours.Data.to_type(ScalarType.Float32).contiguous();
        var resampled = oursValues.data<float>().ToArray();
        var (ni, nj, nk) = ((int)ours.SpatialShape[0], (int)ours.SpatialShape[1], (int)ours.SpatialShape[2]);
        double worst = 0, offSlice = 0;
        for (var i = 0; i < ni; i++)
            for (var j = 0; j < nj; j++)
                for (var k = 0; k < nk; k++)
                {
                    var (x, y, z) = ours.Affine.Apply(i, j, k);
                    var (u, v, w) = toGolden.Apply(x, y, z);
                    var slice = (int)Math.Round(w);
                    offSlice = Math.Max(offSlice, Math.Abs(w - slice));
                    int u0 = (int)Math.Floor(u), v0 = (int)Math.Floor(v);
                    double expected = 0;
                    for (var du = 0; du <= 1; du++)
                        for (var dv = 0; dv <= 1; dv++)
                        {
                            int a = u0 + du, b = v0 + dv;
                            var weight = (du == 0 ? 1 - (u - u0) : u - u0) * (dv == 0 ? 1 - (v - v0) : v - v0);
                            expected += weight * (a < 0 || a >= gi || b < 0 || b >= gj ? fill : values[((long)a * gj + b) * gk + slice]);
                        }
                    worst = Math.Max(worst, Math.Abs(expected - resampled[((long)i * nj + j) * nk + k]));
                }
        var shear = golden.Affine[1, 2];
        TestContext.Progress.WriteLine($"dicom geometry | ct_gantry_tilt (15°, resampled) | [{string.Join("x", ours.SpatialShape)}] from [{string.Join("x", golden.SpatialShape)}] | " +
            $"max |ours − dcm2niix's sheared volume resampled| {worst:E2} HU, voxel centres off its slices by {offSlice:E1}");
        Assert.That(Math.Abs(shear), Is.GreaterThan(1), "the golden's affine carries the shear");
        Assert.That(Math.Abs(ours.Affine[1, 2]) + Math.Abs(ours.Affine[0, 2]), Is.LessThan(1e-9), "the resampled grid steps along the normal");
        Assert.That(offSlice, Is.LessThan(1e-4));
        Assert.That(worst, Is.LessThan(1e-2));
        Assert.That(ours.SpatialShape[1], Is.EqualTo(golden.SpatialShape[1] + (long)Math.Ceiling(Math.Abs(shear) * (gk - 1) / 3.0 - 1e-6)), "rows widened to hold every slice");
        Assert.That(ours.Properties.Extra[DicomSourceSeries.PropertyKey], Is.InstanceOf<DicomSourceSeries>());
    }

    [Test]
    public void ADicomdirIsReadThroughTheFilesItLists()
    {
        using var viaIndex = DicomSeriesReader.Read(Path.Combine(Folder("mr_dicomdir"), "DICOMDIR"), null, out var chosen);
        using var viaFolder = DicomSeriesReader.Read(Folder("mr_dicomdir"));
        using var plain = DicomSeriesReader.Read(Folder("mr_axial_explicit_le"));

        Assert.That(chosen.Files, Has.Count.EqualTo(32).And.All.Contains("IMAGES"));
        Assert.That(viaIndex.Affine.ApproximatelyEquals(plain.Affine), Is.True);
        Assert.That(viaIndex.Data.eq(plain.Data).all().item<bool>(), Is.True);
        Assert.That(viaFolder.Data.eq(plain.Data).all().item<bool>(), Is.True);
    }

    [Test]
    public void ADicomdirListingAMissingFileIsRefusedNamingIt()
    {
        var dir = Directory.CreateTempSubdirectory("dicomdir-").FullName;
        try
        {
            File.Copy(Path.Combine(Folder("mr_dicomdir"), "DICOMDIR"), Path.Combine(dir, "DICOMDIR"));
            var error = Assert.Throws<DicomFormatException>(() => DicomSeriesReader.Read(Path.Combine(dir, "DICOMDIR")))!;
            Assert.That(error.Message, Does.Contain("IMAGES\\IM0000").And.Contain("not in"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void AnEnhancedImageFramesAreSlicesWithTheirOwnRescaleAndReferences()
    {
        using var ct = DicomSeriesReader.Read(Folder("ct_enhanced_multiframe"));
        using var single = DicomSeriesReader.Read(Folder("ct_axial"));

        Assert.That(ct.Data.dtype, Is.EqualTo(single.Data.dtype));
        Assert.That(ct.Data.eq(single.Data).all().item<bool>(), Is.True, "the same CT as single frames, intercept from the shared functional group");
        var source = (DicomSourceSeries)ct.Properties.Extra[DicomSourceSeries.PropertyKey];
        Assert.That(source.Slices.Select(s => s.FrameNumber), Is.EqualTo(Enumerable.Range(1, 24).Cast<int?>()));
        Assert.That(source.Slices.Select(s => s.SopInstanceUid).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void RescaleInterceptGivesHounsfieldUnits()
    {
        using var ct = DicomSeriesReader.Read(Folder("ct_axial"));

        Assert.That(ct.Data.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(ct.Data.min().item<float>(), Is.GreaterThanOrEqualTo(-1024f));
    }

    [Test]
    public void AMissingSliceIsRefusedNamingWhere()
    {
        var error = Assert.Throws<DicomFormatException>(() => DicomSeriesReader.Read(Folder("ct_missing_slice")))!;
        Assert.That(error.Message, Does.Contain("missing between 0019.dcm and 0021.dcm"));
    }

    [Test]
    public void JpegBaselineIsRefusedByNameWithTheWayToDecompressIt()
    {
        var error = Assert.Throws<DicomFormatException>(() => DicomSeriesReader.Read(Path.Combine(Folder("pydicom"), "JPEG2000.dcm")))!;
        Assert.That(error.Message, Does.Contain("JPEG 2000 Image Compression").And.Contain("1.2.840.10008.1.2.4.91").And.Contain("gdcmconv --raw"));
    }

    [Test]
    public void TwoSeriesInOneFolderArePickedByTheRules()
    {
        var found = DicomSeriesReader.Scan(Folder("two_series"));
        using var largest = DicomSeriesReader.Read(Folder("two_series"), null, out var largestInfo);
        using var ct = DicomSeriesReader.Read(Folder("two_series"), new DicomSeriesSelection(Modality: "ct"), out var ctInfo);
        using var byName = DicomSeriesReader.Read(Folder("two_series"), new DicomSeriesSelection(DescriptionPattern: "_MR$"), out var byNameInfo);

        Assert.That(found.Select(s => s.Modality), Is.EqualTo(new[] { "MR", "CT" }));
        Assert.That(largestInfo.Modality, Is.EqualTo("MR"), "the MR series has more voxels");
        Assert.That(largest.SpatialShape, Is.EqualTo(new long[] { 48, 56, 32 }));
        Assert.That(ctInfo.Modality, Is.EqualTo("CT"));
        Assert.That(ct.SpatialShape, Is.EqualTo(new long[] { 48, 48, 24 }));
        Assert.That(byNameInfo.Description, Is.EqualTo("two_series_mr"));
        Assert.That(() => DicomSeriesReader.Read(Folder("two_series"), new DicomSeriesSelection(Choice: DicomSeriesChoice.Only), out _),
            Throws.TypeOf<DicomFormatException>().With.Message.Contain("2 series match").And.Message.Contain("two_series_ct"));
        Assert.That(() => DicomSeriesReader.Read(Folder("two_series"), new DicomSeriesSelection(Modality: "PT"), out _),
            Throws.TypeOf<DicomFormatException>().With.Message.Contain("no series matches"));
    }

    private static IEnumerable<TestCaseData> PydicomFiles()
    {
        var references = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder("pydicom"), "references.json")))!.AsObject();
        foreach (var (name, reference) in references)
            if (reference!["error"] is null && !name.StartsWith("JPEG", StringComparison.Ordinal))
                yield return new TestCaseData(name, reference.ToJsonString()).SetName($"PydicomTestFile({name})");
    }

    [TestCaseSource(nameof(PydicomFiles))]
    public void PydicomsTestFilesReadAsPydicomReadsThem(string name, string json)
    {
        var reference = JsonNode.Parse(json)!;
        using var image = DicomSeriesReader.Read(Path.Combine(Folder("pydicom"), name));

        Assert.That(image.SpatialShape[..2], Is.EqualTo(new long[] { reference["columns"]!.GetValue<int>(), reference["rows"]!.GetValue<int>() }));
        using var values = image.Data.to_type(ScalarType.Float64);
        Assert.That(values.sum().item<double>(), Is.EqualTo(reference["sum"]!.GetValue<double>()).Within(1e-6).Percent);
        var firstRow = Enumerable.Range(0, 8).Select(c => values[0, c, 0, 0].item<double>());
        Assert.That(firstRow, Is.EqualTo(reference["first_row"]!.AsArray().Select(v => v!.GetValue<double>())));
    }

    [TestCase("MR_truncated.dcm", "claims 8192 bytes, more than the 8130 left")]
    public void WhatCannotBeReadIsRefusedPlainly(string name, string reason)
    {
        var error = Assert.Throws<DicomFormatException>(() => DicomSeriesReader.Read(Path.Combine(Folder("pydicom"), name)))!;
        Assert.That(error.Message, Does.Contain(name).And.Contain(reason));
    }

    [TestCase("ExplVR_BigEndNoMeta.dcm")]
    [TestCase("ExplVR_LitEndNoMeta.dcm")]
    public void FilesWithoutMetaInformationAreParsed(string name)
    {
        var file = DicomParser.Read(Path.Combine(Folder("pydicom"), name));

        Assert.That(file.HasMeta, Is.False);
        Assert.That(file.Dataset.GetString(DicomTags.Modality), Is.EqualTo("RTPLAN"));
        Assert.That(file.Dataset.Elements.Count, Is.GreaterThan(20));
    }
}
