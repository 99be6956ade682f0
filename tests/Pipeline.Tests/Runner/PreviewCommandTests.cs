using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Runner;

public sealed class PreviewCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateMmar()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mmar-preview-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        var affine = AffineMatrix.Diagonal(1.5, 1.5, 3);
        using (var image = new MedicalImage(rand(1, 20, 18, 10), affine))
            NiftiWriter.Write(image, Path.Combine(_dir, "data", "img.nii.gz"));
        using (var label = new MedicalImage(zeros(1, 20, 18, 10, dtype: ScalarType.Int16).index_fill_(1, tensor(new long[] { 8, 9, 10 }), 1), affine))
            NiftiWriter.Write(label, Path.Combine(_dir, "data", "lbl.nii.gz"));
        File.WriteAllText(Path.Combine(_dir, "config", "environment.json"), """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json" }""");
        File.WriteAllText(Path.Combine(_dir, "config", "dataset.json"),
            """{ "training": [ { "image": "img.nii.gz", "label": "lbl.nii.gz" } ], "validation": [ { "image": "img.nii.gz", "label": "lbl.nii.gz" } ] }""");
        File.WriteAllText(Path.Combine(_dir, "config", "config_train.json"), """
        { "train": { "pre_transforms": [
            { "name": "LoadNifti", "args": { "fields": ["image", "label"] } },
            { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 0, "a_max": 1, "b_min": 0, "b_max": 100 } } ] },
          "validate": { "pre_transforms": [ { "ref": "LoadNifti" } ] } }
        """);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void WritesTheTransformedFieldsAndAMontage()
    {
        var output = Path.Combine(_dir, "preview");
        var run = CliRun.Invoke("preview", "-m", _dir, "-o", output);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(File.Exists(Path.Combine(output, "montage.png")), Is.True);
        Assert.That(File.ReadAllBytes(Path.Combine(output, "montage.png"))[1..4], Is.EqualTo("PNG"u8.ToArray()));
        using var original = NiftiReader.Read(Path.Combine(_dir, "data", "img.nii.gz"));
        using var scaled = NiftiReader.Read(Path.Combine(output, "image.nii.gz"));
        Assert.That(scaled.Data.allclose(original.Data * 100, 1e-5, 1e-4), Is.True, "the chain's output is what was written");
        Assert.That(scaled.Affine.ApproximatelyEquals(original.Affine), Is.True);
    }

    [Test]
    public void AnIndexOutsideTheListIsAClearError()
    {
        var run = CliRun.Invoke("preview", "-m", _dir, "-o", Path.Combine(_dir, "p"), "--index", "5");
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("--index").And.Contain("has 1 item(s)"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "p")), Is.False, "nothing is written for a user mistake");
    }
}
