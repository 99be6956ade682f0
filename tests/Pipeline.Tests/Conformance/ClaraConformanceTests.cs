using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Runner;
using Pipeline.Tests.Runner;

namespace Pipeline.Tests.Conformance;

/// <summary>
/// The public Clara Train 3.x example train configs (Conformance/ClaraConfigs, unmodified) and this repository's example MMARs run
/// end to end — <c>mmar check</c>, one epoch of <c>mmar train</c> with validation through the config's own inferer and metrics — on
/// small generated CT-like volumes; only environment.json is ours. A config that is not valid JSON is refused by both, alike.
/// </summary>
[NonParallelizable]
public sealed class ClaraConformanceTests
{
    private static readonly string ConfigRoot = Path.Combine(AppContext.BaseDirectory, "Conformance", "ClaraConfigs");
    private string _data = "";

    /// <summary>Every TF-era train config of the public examples that needs no BYOC Python code.</summary>
    public static IEnumerable<TestCaseData> PublicTrainConfigs() =>
        Directory.GetFiles(ConfigRoot, "trn*.json", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("trn_BYOC", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(ConfigRoot, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetName($"ClaraConfig({f})"));

    /// <summary>The example MMARs whose data a generated CT-like volume can stand for.</summary>
    public static IEnumerable<string> ExampleMmars => ["segmentation_ct_spleen", "segmentation_demo", "segmentation_mri_brain_mask"];

    [OneTimeSetUp]
    public void GenerateData()
    {
        _data = Directory.CreateTempSubdirectory("clara-conformance-data-").FullName;
        Directory.CreateDirectory(Path.Combine(_data, "config"));
        File.WriteAllText(Path.Combine(_data, "config", "environment.json"), """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json" }""");
        File.WriteAllText(Path.Combine(_data, "config", "dataset.json"), """
            { "training": [ { "image": "images/ct_0.nii.gz", "label": "labels/ct_0.nii.gz" } ],
              "validation": [ { "image": "images/ct_1.nii.gz", "label": "labels/ct_1.nii.gz" } ] }
            """);
        File.WriteAllText(Path.Combine(_data, "config", "config_train.json"), TinyTrainingMmar.Config);
        var generated = CliRun.Invoke("generate-demo-data", "-m", _data, "--hounsfield");
        Assert.That(generated.ExitCode, Is.EqualTo(ExitCodes.Success), generated.ToString());
    }

    [OneTimeTearDown]
    public void RemoveData() => Directory.Delete(_data, recursive: true);

    [TestCaseSource(nameof(PublicTrainConfigs))]
    public void RunsOneEpochAndValidatesUnmodified(string config)
    {
        var mmar = NewMmar();
        try
        {
            var text = File.ReadAllText(Path.Combine(ConfigRoot, config));
            File.WriteAllText(Path.Combine(mmar, "config", "config_train.json"), text);

            var check = CliRun.Invoke("check", "-m", mmar);
            var train = CliRun.Invoke("train", "-m", mmar, "--set", "epochs=1", "num_training_epoch_per_valid=1");

            foreach (var run in new[] { check, train })
                Assert.That(run.Output + run.Error, Does.Not.Contain("   at "), $"a stack trace:\n{run}");
            if (!IsJson(text))
            {
                // trn1_AMP.json writes "use_amp": ture: refused before any epoch, with the same message as check.
                Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.ConfigError), check.ToString());
                Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.ConfigError), train.ToString());
                Assert.That(train.Error, Is.EqualTo(check.Error));
                Assert.That(train.Error, Does.Contain("invalid JSON at line").And.Contain("'ture'").And.Length.LessThan(400));
                Assert.That(Directory.Exists(Path.Combine(mmar, "models")), Is.False);
                return;
            }
            Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Success), check.ToString());
            Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.ToString());
            Assert.That(train.Output, Does.Match(@"epoch 1/1: loss \d+\.\d+.*\| \S+ \d\.\d{4}"), "the epoch line carries a validation metric");
            Assert.That(train.Output, Does.Match(@"done: best \S+ \d\.\d{4} at epoch 1"));
            Assert.That(File.Exists(Path.Combine(mmar, "models", "model.ckpt")));
        }
        finally
        {
            Directory.Delete(mmar, recursive: true);
        }
    }

    [Test]
    public void GettingStartedValidationConfigsEvaluateTheTrainedModelOrSayWhyNot()
    {
        var mmar = NewMmar();
        try
        {
            File.Copy(Path.Combine(ConfigRoot, "GettingStarted", "trn_base.json"), Path.Combine(mmar, "config", "config_train.json"));
            File.Copy(Path.Combine(ConfigRoot, "GettingStarted", "config_validation_chpt.json"), Path.Combine(mmar, "config", "config_validation.json"));
            File.Copy(Path.Combine(ConfigRoot, "GettingStarted", "config_validation.json"), Path.Combine(mmar, "config", "config_validation_frozen.json"));
            var train = CliRun.Invoke("train", "-m", mmar, "--set", "epochs=1");
            Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.ToString());

            var validate = CliRun.Invoke("validate", "-m", mmar);
            Assert.That(validate.ExitCode, Is.EqualTo(ExitCodes.Success), validate.ToString());
            Assert.That(validate.Output, Does.Match(@"mean \d\.\d{4}").And.Contain("done: 1 evaluated, 0 skipped, 0 failed"));

            // The frozen-graph config names a TensorFlow .pb, which cannot run here: refused at its path, with what to use instead.
            var check = CliRun.Invoke("check", "-m", mmar, "-c", "config/config_validation_frozen.json");
            var frozen = CliRun.Invoke("validate", "-m", mmar, "-c", "config/config_validation_frozen.json");
            Assert.That(frozen.ExitCode, Is.EqualTo(ExitCodes.ConfigError), frozen.ToString());
            Assert.That(frozen.Error, Does.Contain("model_loader.args.model_file_path").And.Contain("TensorFlow frozen graph"));
            Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.ConfigError));
            Assert.That(check.Error, Is.EqualTo(frozen.Error));
        }
        finally
        {
            Directory.Delete(mmar, recursive: true);
        }
    }

    [TestCaseSource(nameof(ExampleMmars))]
    public void ExampleMmarTrainsAndValidatesWithOnlyItsEnvironmentChanged(string name)
    {
        var mmar = Directory.CreateTempSubdirectory($"example-{name}-").FullName;
        try
        {
            var source = Path.Combine(RepoPaths.Mmars, name, "config");
            Directory.CreateDirectory(Path.Combine(mmar, "config"));
            foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(mmar, "config", Path.GetFileName(file)));
            var environment = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "environment.json")))!.AsObject();
            environment["DATA_ROOT"] = Path.Combine(_data, "data");
            environment["DATASET_JSON"] = Path.Combine(_data, "config", "dataset.json");
            environment["MMAR_CKPT_DIR"] = "models";
            environment["MMAR_EVAL_OUTPUT_PATH"] = "eval";
            File.WriteAllText(Path.Combine(mmar, "config", "environment.json"), environment.ToJsonString());

            var check = CliRun.Invoke("check", "-m", mmar, "-c", "config/config_train.json");
            Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Success), check.ToString());
            var train = CliRun.Invoke("train", "-m", mmar, "--set", "epochs=1", "num_training_epoch_per_valid=1");
            Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.ToString());
            Assert.That(train.Output, Does.Match(@"done: best \S+ \d\.\d{4} at epoch 1"));
            var checkValidation = CliRun.Invoke("check", "-m", mmar);
            Assert.That(checkValidation.ExitCode, Is.EqualTo(ExitCodes.Success), checkValidation.ToString());
            var validate = CliRun.Invoke("validate", "-m", mmar);
            Assert.That(validate.ExitCode, Is.EqualTo(ExitCodes.Success), validate.ToString());
            Assert.That(validate.Output, Does.Match(@"mean \d\.\d{4}"));
        }
        finally
        {
            Directory.Delete(mmar, recursive: true);
        }
    }

    private string NewMmar()
    {
        var mmar = Directory.CreateTempSubdirectory("clara-conformance-").FullName;
        Directory.CreateDirectory(Path.Combine(mmar, "config"));
        File.WriteAllText(Path.Combine(mmar, "config", "environment.json"), new JsonObject
        {
            ["DATA_ROOT"] = Path.Combine(_data, "data"),
            ["DATASET_JSON"] = Path.Combine(_data, "config", "dataset.json"),
            ["MMAR_CKPT_DIR"] = "models",
            ["MMAR_EVAL_OUTPUT_PATH"] = "eval",
        }.ToJsonString());
        return mmar;
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
