using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.ImageIO.Nifti;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.Transforms.Spatial;

namespace Pipeline.Tests.Dicom;

/// <summary><c>mmar info</c> and <c>mmar convert</c> take a DICOM folder: the series it holds, and dcm2niix's volume as NIfTI.</summary>
public sealed class DicomCommandsTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "dicom", name);

    [Test]
    public void InfoListsTheSeriesOfAFolderAndDescribesTheOneItReads()
    {
        var run = CliRun.Invoke("info", Fixture("two_series"), "--json");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        var facts = JsonNode.Parse(run.Output)!;
        Assert.That(facts["format"]!.GetValue<string>(), Is.EqualTo("DICOM"));
        Assert.That(facts["series"]!.AsArray().Select(s => s!["modality"]!.GetValue<string>()), Is.EqualTo(new[] { "MR", "CT" }));
        Assert.That(facts["series"]!.AsArray().Single(s => s!["read"]!.GetValue<bool>())!["modality"]!.GetValue<string>(), Is.EqualTo("MR"));
        Assert.That(facts["spatial_shape"]!.AsArray().Select(v => v!.GetValue<long>()), Is.EqualTo(new long[] { 48, 56, 32 }));
    }

    [Test]
    public void ConvertWritesTheSeriesAsDcm2niixsVolume()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("dicom-convert-").FullName, "ct.nii.gz");
        try
        {
            var run = CliRun.Invoke("convert", Fixture("ct_axial"), output);

            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
            using var converted = NiftiReader.Read(output);
            using var golden = NiftiReader.Read(Path.Combine(Fixture("ct_axial"), "golden.nii.gz"));
            using var a = Reorientation.Apply(converted, "RAS");
            using var b = Reorientation.Apply(golden, "RAS");
            Assert.That(a.Affine.ApproximatelyEquals(b.Affine, 1e-4), Is.True);
            Assert.That(a.Data.eq(b.Data).all().item<bool>(), Is.True);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    [Test]
    public void AFolderWithAMissingSliceIsADataError()
    {
        var run = CliRun.Invoke("info", Fixture("ct_missing_slice"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.Error, Does.Contain("a slice is missing between 0019.dcm and 0021.dcm").And.Not.Contain("   at "));
    }
}
