using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Runner;

public sealed class InfoAndConvertCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDir()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mmar-info-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private string WriteLsaVolume()
    {
        // LSA: i runs to the left, j to superior, k to anterior; spacing 2, 3, 4 mm.
        var affine = AffineMatrix.FromArray(new double[,] { { -2, 0, 0, 10 }, { 0, 0, 4, -20 }, { 0, 3, 0, 30 }, { 0, 0, 0, 1 } });
        using var image = new MedicalImage(arange(4 * 5 * 6, dtype: ScalarType.Float32).reshape(1, 4, 5, 6).sub(7), affine);
        var path = Path.Combine(_dir, "lsa.nii.gz");
        NiftiWriter.Write(image, path);
        return path;
    }

    [Test]
    public void InfoReportsGeometryAndIntensityAsJson()
    {
        var run = CliRun.Invoke("info", WriteLsaVolume(), "--json");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var facts = JsonNode.Parse(run.Output)!;
        Assert.That(facts["orientation"]!.GetValue<string>(), Is.EqualTo("LSA"));
        Assert.That(facts["spatial_shape"]!.AsArray().Select(n => n!.GetValue<long>()), Is.EqualTo(new long[] { 4, 5, 6 }));
        Assert.That(facts["spacing"]!.AsArray().Select(n => n!.GetValue<double>()), Is.EqualTo(new[] { 2.0, 3.0, 4.0 }));
        Assert.That(facts["min"]!.GetValue<double>(), Is.EqualTo(-7));
        Assert.That(facts["max"]!.GetValue<double>(), Is.EqualTo(4 * 5 * 6 - 8));
        Assert.That(facts["affine"]![1]![2]!.GetValue<double>(), Is.EqualTo(4));
    }

    [Test]
    public void ConvertChangesTheDatatypeAndKeepsGeometry()
    {
        var source = WriteLsaVolume();
        var target = Path.Combine(_dir, "out.nii");
        var run = CliRun.Invoke("convert", source, target, "--dtype", "int16");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        using var original = NiftiReader.Read(source);
        using var converted = NiftiReader.Read(target);
        Assert.That(NiftiReader.ReadHeader(target).DataType, Is.EqualTo(NiftiDataType.Int16));
        Assert.That(converted.Affine.ApproximatelyEquals(original.Affine, 1e-5), Is.True);
        Assert.That(converted.Data.to_type(ScalarType.Float32).equal(original.Data).all().item<bool>(), Is.True);
    }

    [Test]
    public void BadInputIsOneClearLineAndExit1()
    {
        var broken = Path.Combine(_dir, "broken.nii.gz");
        File.WriteAllBytes(broken, File.ReadAllBytes(WriteLsaVolume())[..60]);
        var run = CliRun.Invoke("info", broken);
        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.Error, Does.StartWith("error: ").And.Contain("broken.nii.gz"));
        Assert.That(run.Error, Does.Not.Contain("   at "));
    }

    [Test]
    public void ConvertRejectsAnUnknownDatatypeWithoutWriting()
    {
        var target = Path.Combine(_dir, "never.nii");
        var run = CliRun.Invoke("convert", WriteLsaVolume(), target, "--dtype", "complex64");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("accepted: "));
        Assert.That(File.Exists(target), Is.False);
    }
}
