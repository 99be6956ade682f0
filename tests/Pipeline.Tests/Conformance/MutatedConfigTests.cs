using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Runner;
using Pipeline.Tests.Runner;

namespace Pipeline.Tests.Conformance;

/// <summary>
/// The check-agrees-with-the-run property over a corpus of mutated MMARs (<see cref="MutationCorpus"/>): whatever <c>mmar check</c>
/// refuses, the run refuses at start with the same messages and exit 2; whatever it accepts, the run starts (exit 0, or 1 for a data
/// failure on the way); nothing prints a stack trace. And the output rule: check writes nothing, a run writes nothing outside its
/// declared folder (<c>models/</c> for training, <c>eval/</c> for validation; judged by listing the whole temp root, which holds the
/// MMAR beside an <c>outside/</c> folder the hostile mutations aim at), and the trained model survives: unchanged, or kept as
/// <c>model_previous.ckpt</c> when a run that validated replaced it.
/// </summary>
[NonParallelizable]
public sealed class MutatedConfigTests
{
    private const string ValidationConfig = """
        {
          "pre_transforms": [ { "name": "LoadNifti", "args": { "fields": "image" } } ],
          "model_loader": { "name": "CheckpointLoader", "args": { "checkpoint_dir": "{MMAR_CKPT_DIR}" } },
          "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [32, 32, 16], "batch_size": 4 } },
          "post_transforms": [ { "name": "ArgmaxAcrossChannels", "args": { "fields": "model", "dtype": "uint8" } } ],
          "label_transforms": [ { "name": "LoadNifti", "args": { "fields": "label" } } ],
          "val_metrics": [ { "name": "ComputeAverageDice", "args": { "name": "dice", "field": "model", "label_field": "label" } } ],
          "writers": [ { "name": "WriteNifti", "args": { "field": "model", "dtype": "uint8", "write_path": "{MMAR_EVAL_OUTPUT_PATH}" } } ]
        }
        """;

    private string _base = "";

    public static IEnumerable<TestCaseData> Mutations() => MutationCorpus.ByName.Keys.Select(n => new TestCaseData(n).SetName($"Mutation({n})"));

    [Test]
    public void TheCorpusHasAtLeast150Variants() => Assert.That(MutationCorpus.ByName, Has.Count.GreaterThanOrEqualTo(150));

    [OneTimeSetUp]
    public void TrainTheBaseMmar()
    {
        _base = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace("\"epochs\": 2", "\"epochs\": 1", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_base, "config", "environment.json"),
            """{ "DATA_ROOT": "data", "DATASET_JSON": "config/dataset.json", "MMAR_CKPT_DIR": "models", "MMAR_EVAL_OUTPUT_PATH": "eval" }""");
        File.WriteAllText(Path.Combine(_base, "config", "config_validation.json"), ValidationConfig);
        var train = CliRun.Invoke("train", "-m", _base);
        Assert.That(train.ExitCode, Is.EqualTo(ExitCodes.Success), train.ToString());
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_base, recursive: true);

    [TestCaseSource(nameof(Mutations))]
    public void CheckAgreesWithTheRun(string name)
    {
        var mutation = MutationCorpus.ByName[name];
        var root = Directory.CreateTempSubdirectory("mutation-").FullName;
        var dir = Path.Combine(root, "mmar");
        try
        {
            Copy(_base, dir);
            Directory.CreateDirectory(Path.Combine(root, MutationCorpus.Outside));
            File.WriteAllText(Path.Combine(root, MutationCorpus.Outside, "keep.txt"), "sentinel");
            var files = new MmarFiles(dir, Read(dir, "config_train.json"), Read(dir, "config_validation.json"), Read(dir, "dataset.json"));
            mutation.Apply(files);
            Write(dir, "config_train.json", files.Train);
            Write(dir, "config_validation.json", files.Validation);
            Write(dir, "dataset.json", files.Dataset);
            var set = mutation.Set is { } items ? new[] { "--set" }.Concat(items).ToArray() : [];
            var before = Snapshot(Path.Combine(dir, "models"));
            var model = Path.Combine(dir, "models", "model.ckpt");
            var modelBytes = File.Exists(model) ? File.ReadAllBytes(model) : null;
            var everything = Snapshot(root);

            var check = CliRun.Invoke(["check", "-m", dir, "-c", $"config/config_{mutation.Config}.json", .. set]);
            Assert.That(Snapshot(root), Is.EqualTo(everything), "check wrote something");
            var run = CliRun.Invoke([mutation.Config == "train" ? "train" : "validate", "-m", dir, .. set]);
            TestContext.Progress.WriteLine($"mutation | {name} | check {check.ExitCode} | run {run.ExitCode}");

            foreach (var result in new[] { check, run })
                Assert.That(result.Output + result.Error, Does.Not.Contain("   at ").And.Not.Contain("Exception:"), $"a stack trace:\n{result}");
            Assert.That(check.ExitCode, Is.EqualTo(mutation.Verdict == Verdict.Refused ? ExitCodes.ConfigError : ExitCodes.Success), $"check:\n{check}");
            if (check.ExitCode == ExitCodes.ConfigError)
            {
                Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), $"check refused it, the run did not:\n{run}");
                Assert.That(run.Error, Is.EqualTo(check.Error), "the run refuses with check's messages");
                Assert.That(Snapshot(Path.Combine(dir, "models")), Is.EqualTo(before), "a refused run leaves the models as they were");
            }
            else
            {
                Assert.That(run.ExitCode, Is.Not.EqualTo(ExitCodes.ConfigError), $"check accepted it, the run refused it at start:\n{run}");
                if (run.ExitCode != ExitCodes.Success) Assert.That(run.Error + run.Output, Does.Contain("error:").Or.Contain("failed:"), run.ToString());
            }

            var declared = Path.Combine(dir, mutation.Config == "train" ? "models" : "eval") + Path.DirectorySeparatorChar;
            var after = Snapshot(root);
            var strays = after.Where(e => !everything.TryGetValue(e.Key, out var was) || was != e.Value)
                .Select(e => e.Key).Where(p => !(p + Path.DirectorySeparatorChar).StartsWith(declared, StringComparison.Ordinal)).ToList();
            Assert.That(strays, Is.Empty, $"written outside {declared}:\n{run}");
            if (modelBytes is not null)
            {
                var previous = Path.Combine(dir, "models", "model_previous.ckpt");
                var kept = File.Exists(model) && File.ReadAllBytes(model).AsSpan().SequenceEqual(modelBytes)
                           || mutation.Config == "train" && run.ExitCode == ExitCodes.Success && File.Exists(previous) &&
                           File.ReadAllBytes(previous).AsSpan().SequenceEqual(modelBytes) && run.Output.Contains("best ", StringComparison.Ordinal);
                Assert.That(kept, Is.True, $"the trained model was destroyed:\n{run}");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static JsonObject Read(string dir, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config", file)))!.AsObject();

    private static void Write(string dir, string file, JsonObject json) => File.WriteAllText(Path.Combine(dir, "config", file), json.ToJsonString());

    // Links are listed, not followed, so a planted link's target is judged where it lies.
    private static Dictionary<string, (long Ticks, long Length)> Snapshot(string dir) =>
        Directory.Exists(dir)
            ? new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .ToDictionary(i => i.FullName, i => i is FileInfo { LinkTarget: null } file ? (file.LastWriteTimeUtc.Ticks, file.Length) : (0L, 0L))
            : [];

    private static void Copy(string from, string to)
    {
        foreach (var folder in new[] { "config", "data", "models" })
        {
            var source = Path.Combine(from, folder);
            foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories).Prepend(source))
                Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
                File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
