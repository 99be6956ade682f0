using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.Runner;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Runner;

/// <summary>Commands whose output a path names (convert's OUT, generate-demo-data's datalist) write only where they may, and refuse the rest before writing.</summary>
public sealed class OutputRuleCommandTests
{
    private string _root = "";

    [SetUp]
    public void Create() => _root = Directory.CreateTempSubdirectory("output-rule-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    private string WriteImage()
    {
        var path = Path.Combine(_root, "in.nii.gz");
        using var data = arange(24, ScalarType.Float32).reshape(1, 2, 3, 4);
        using var image = new MedicalImage(data, AffineMatrix.Identity);
        NiftiWriter.Write(image, path);
        return path;
    }

    [Test]
    public void ConvertRefusesAnOutputFolderThatDoesNotExistAndCreatesNothing()
    {
        var target = Path.Combine(_root, "no_such_dir", "out.nii.gz");

        var run = CliRun.Invoke("convert", WriteImage(), target);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("no_such_dir").And.Contain("does not exist").And.Not.Contain("   at "));
        Assert.That(Directory.Exists(Path.Combine(_root, "no_such_dir")), Is.False);
    }

    [Test]
    public void ConvertRefusesAnOutputThatIsAFolder()
    {
        var target = Directory.CreateDirectory(Path.Combine(_root, "dir.nii.gz")).FullName;

        var run = CliRun.Invoke("convert", WriteImage(), target);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("is a folder"));
    }

    [Test]
    public void ConvertSaysWhatNifti1CannotHoldWithoutATrace()
    {
        var wide = new Pipeline.Tests.Nifti.OddNiftiBuilder { Version = 2, Dim = [3, 40000, 1, 1, 1, 1, 1, 1] };
        wide.Data = new byte[40000 * 2];
        var source = Path.Combine(_root, "wide.nii");
        File.WriteAllBytes(source, wide.SingleFile());

        var run = CliRun.Invoke("convert", source, Path.Combine(_root, "out.nii"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.Error, Does.Contain("32767").And.Not.Contain("   at "));
        Assert.That(File.Exists(Path.Combine(_root, "out.nii")), Is.False);
    }

    [Test]
    public void GenerateDemoDataWritesNothingWhenTheDatalistLeadsOutOfDataRoot()
    {
        var mmar = Directory.CreateDirectory(Path.Combine(_root, "mmar")).FullName;
        Directory.CreateDirectory(Path.Combine(mmar, "config"));
        File.WriteAllText(Path.Combine(mmar, "config", "environment.json"), """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json" }""");
        File.WriteAllText(Path.Combine(mmar, "config", "config_train.json"), """{ "epochs": 1, "train": { "pre_transforms": [] } }""");
        File.WriteAllText(Path.Combine(mmar, "config", "dataset.json"), """
            { "training": [ { "image": "images/a.nii.gz", "label": "labels/a.nii.gz" },
                            { "image": "../../escaped/b.nii.gz", "label": "labels/b.nii.gz" } ] }
            """);

        var run = CliRun.Invoke("generate-demo-data", "-m", mmar);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("training[1].image").And.Contain("lies outside").And.Contain("DATA_ROOT"));
        Assert.That(Directory.Exists(Path.Combine(_root, "escaped")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(mmar, "data")), Is.False, "nothing is written when any case would escape");
    }
}
