using NUnit.Framework;
using Pipeline.Runner;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Runner;

/// <summary><c>mmar generate-demo-data</c> writes every file the datalist names, deterministically, with labels that mark the bright objects.</summary>
public sealed class GenerateDemoDataCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateMmar()
    {
        _dir = Directory.CreateTempSubdirectory("demo-data-").FullName;
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        File.WriteAllText(Path.Combine(_dir, "config", "environment.json"), """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json" }""");
        File.WriteAllText(Path.Combine(_dir, "config", "config_train.json"), """{ "epochs": 1, "train": { "pre_transforms": [] } }""");
        File.WriteAllText(Path.Combine(_dir, "config", "dataset.json"), """
            { "training": [ { "image": "images/a.nii.gz", "label": "labels/a.nii.gz" } ],
              "validation": [ { "image": "images/b.nii.gz", "label": "labels/b.nii.gz" } ] }
            """);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void WritesEveryListedCaseDeterministically()
    {
        var first = CliRun.Invoke("generate-demo-data", "-m", _dir);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Success), first.ToString());
        Assert.That(first.Output, Does.Contain("2 case(s) written"));
        var bytes = File.ReadAllBytes(Path.Combine(_dir, "data", "images", "b.nii.gz"));

        var again = CliRun.Invoke("generate-demo-data", "-m", _dir, "--overwrite");

        Assert.That(again.Output, Does.Contain("2 case(s) written"));
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "data", "images", "b.nii.gz")), Is.EqualTo(bytes));
        Assert.That(CliRun.Invoke("generate-demo-data", "-m", _dir).Output, Does.Contain("0 case(s) written, 2 already present"));
    }

    [Test]
    public void LabelsMarkTheBrightObjectsOnAnAnisotropicGrid()
    {
        CliRun.Invoke("generate-demo-data", "-m", _dir);
        using var image = NiftiReader.Read(Path.Combine(_dir, "data", "images", "a.nii.gz"));
        using var label = NiftiReader.Read(Path.Combine(_dir, "data", "labels", "a.nii.gz"));
        using var scope = NewDisposeScope();

        Assert.That(image.Spacing, Is.EqualTo(new[] { 1.5, 1.5, 3.0 }).Within(1e-6));
        Assert.That(label.SpatialShape, Is.EqualTo(image.SpatialShape));
        var mask = label.Data.to(ScalarType.Bool);
        Assert.That(label.Data.unique().Item1.data<byte>().ToArray(), Is.EqualTo(new byte[] { 0, 1 }));
        var fraction = mask.to(ScalarType.Float32).mean().item<float>();
        Assert.That(fraction, Is.InRange(0.005f, 0.3f));
        var inside = image.Data.masked_select(mask).mean().item<float>();
        var outside = image.Data.masked_select(mask.logical_not()).mean().item<float>();
        Assert.That(inside - outside, Is.InRange(0.8f, 1.2f));
    }

    [Test]
    public void ADatalistItemWithoutALabelIsAConfigError()
    {
        File.WriteAllText(Path.Combine(_dir, "config", "dataset.json"), """{ "training": [ { "image": "images/a.nii.gz" } ] }""");

        var run = CliRun.Invoke("generate-demo-data", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("training[0]").And.Contain("\"label\""));
    }
}
