using NUnit.Framework;

namespace Pipeline.Tests.Runner;

public sealed class CheckCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateMmar()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mmar-check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        File.WriteAllText(Path.Combine(_dir, "config", "environment.json"),
            """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json", "MMAR_CKPT_DIR": "models" }""");
        File.WriteAllText(Path.Combine(_dir, "config", "dataset.json"),
            """{ "training": [ { "image": "a.nii.gz", "label": "b.nii.gz" } ], "validation": [ { "image": "c.nii.gz" } ] }""");
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private void WriteTrainConfig(string json) => File.WriteAllText(Path.Combine(_dir, "config", "config_train.json"), json);

    [Test]
    public void ReportsEveryProblemWithFileAndJsonPathAndExits2()
    {
        WriteTrainConfig("""
        {
          "epochs": 2,
          "train": {
            "pre_transforms": [
              { "name": "ScaleIntensityRnge", "args": { "fields": "image", "a_min": 0, "a_max": 1 } },
              { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 5, "a_max": 1 } },
              { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 0, "a_max": "{NO_SUCH_VAR}" } },
              { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 0, "a_max": 1, "clipp": true } }
            ]
          },
          "validate": { "pre_transforms": [ { "ref": "NoSuchAlias" } ] }
        }
        """);

        var run = CliRun.Invoke("check", "-m", _dir);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("config_train.json: train.pre_transforms[0].name: error: unknown transform 'ScaleIntensityRnge'"));
        Assert.That(run.Error, Does.Contain("did you mean ScaleIntensityRange?"));
        Assert.That(run.Error, Does.Contain("train.pre_transforms[1].args.a_max"));
        Assert.That(run.Error, Does.Contain("train.pre_transforms[2].args.a_max"));
        Assert.That(run.Error, Does.Contain("NO_SUCH_VAR"));
        Assert.That(run.Error, Does.Contain("train.pre_transforms[3].args.clipp"));
        Assert.That(run.Error, Does.Contain("validate.pre_transforms[0]"));
        Assert.That(run.Error, Does.Not.Contain("   at "), "no stack trace for a user mistake");
    }

    [Test]
    public void MissingMmarFolderIsAClearError()
    {
        var run = CliRun.Invoke("check", "-m", Path.Combine(_dir, "nope"));
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("the MMAR folder does not exist"));
    }

    [Test]
    public void MissingDatalistIsReported()
    {
        WriteTrainConfig(TinyTrainingMmar.Config);
        File.Delete(Path.Combine(_dir, "config", "dataset.json"));
        var run = CliRun.Invoke("check", "-m", _dir);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        Assert.That(run.Error, Does.Contain("dataset.json"));
    }

    [Test]
    public void SetOverridesAreAppliedBeforeResolution()
    {
        var mmar = TinyTrainingMmar.Create();
        File.WriteAllText(Path.Combine(mmar, "config", "config_train.json"), TinyTrainingMmar.Config.Replace(
            """{ "name": "LoadNifti", "args": { "fields": ["image", "label"] } },""",
            """{ "name": "LoadNifti", "args": { "fields": ["image", "label"] } }, { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": "{LOW}", "a_max": 1 } },""",
            StringComparison.Ordinal));
        var failing = CliRun.Invoke("check", "-m", mmar, "--set", "LOW=2");
        var passing = CliRun.Invoke("check", "-m", mmar, "--set", "LOW=-1");
        Directory.Delete(mmar, recursive: true);
        Assert.That(failing.ExitCode, Is.EqualTo(2), failing.ToString());
        Assert.That(failing.Error, Does.Contain("train.pre_transforms[1].args.a_max"));
        Assert.That(passing.ExitCode, Is.EqualTo(0), passing.ToString());
    }

    [Test]
    public void UnknownOptionIsACommandLineErrorWithExit2()
    {
        var run = CliRun.Invoke("check", "-m", _dir, "--bogus");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("--bogus"));
    }
}

public sealed class CheckFieldFlowTests
{
    [Test]
    public void AFieldNoEarlierStepProvidesIsReportedAtTheFieldsArg()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mmar-flow-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "config"));
        try
        {
            File.WriteAllText(Path.Combine(dir, "config", "environment.json"), """{ "DATASET_JSON": "config/dataset.json", "DATA_ROOT": "." }""");
            File.WriteAllText(Path.Combine(dir, "config", "dataset.json"),
                """{ "training": [ { "image": "a.nii", "label": "b.nii" } ], "validation": [ { "image": "c.nii", "label": "d.nii" } ] }""");
            File.WriteAllText(Path.Combine(dir, "config", "config_train.json"), TinyTrainingMmar.Config.Replace(
                """{ "name": "LoadNifti", "args": { "fields": ["image", "label"] } },""",
                """{ "name": "LoadNifti", "args": { "fields": ["image", "label"] } }, { "name": "ScaleIntensityRange", "args": { "fields": "lable", "a_min": 0, "a_max": 1 } },""",
                StringComparison.Ordinal));
            var run = CliRun.Invoke("check", "-m", dir);
            Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
            Assert.That(run.Error, Does.Contain("train.pre_transforms[1].args.fields: error: field 'lable' is not provided"));
            Assert.That(run.Error, Does.Contain("did you mean label?"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
