using System.Diagnostics;
using NUnit.Framework;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Tests.Packaging;

/// <summary>
/// The packages install: everything is packed into a local feed, the tool is installed from it and runs, a plugin made
/// from the template builds against the packed contracts and loads into an MMAR, and the embedded-inference sample built
/// from the feed segments an image as <c>mmar infer</c> does, voxel for voxel.
/// </summary>
/// <remarks>A unique prerelease version per run keeps the NuGet cache from serving an earlier run's packages.</remarks>
[NonParallelizable]
public sealed class PackagesTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    private string _work = "";
    private string _feed = "";
    private string _version = "";

    [OneTimeSetUp]
    public void Pack()
    {
        _work = Directory.CreateTempSubdirectory("mmar-packages-").FullName;
        _feed = Path.Combine(_work, "feed");
        _version = $"0.9.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var watch = Stopwatch.StartNew();
        var pack = Dotnet(RepoPaths.Root, "pack", "Packages.slnf", "-c", "Release", "-o", _feed, "--artifacts-path", Path.Combine(_work, "artifacts"),
            $"-p:Version={_version}");
        Assert.That(pack.ExitCode, Is.Zero, pack.ToString());
        TestContext.Progress.WriteLine($"packages | packed in {watch.Elapsed.TotalSeconds:0} s:");
        foreach (var package in Directory.GetFiles(_feed, "*.nupkg").Order())
            TestContext.Progress.WriteLine($"packages | {Path.GetFileName(package)} {new FileInfo(package).Length / 1e6:0.00} MB");
        File.WriteAllText(Path.Combine(_work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><add key="mmar-test-feed" value="{_feed}" /></packageSources></configuration>
            """);
    }

    [OneTimeTearDown]
    public void Remove()
    {
        Directory.Delete(_work, recursive: true);
        // The restored copies of this run's packages in the NuGet cache.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Directory.Exists(cache))
            foreach (var package in Directory.GetDirectories(cache, "mmar*"))
                if (Directory.Exists(Path.Combine(package, _version))) Directory.Delete(Path.Combine(package, _version), recursive: true);
    }

    private static ExternalProcess.Result Dotnet(string directory, params string[] args) => ExternalProcess.Run("dotnet", args, directory, Limit);

    [Test]
    public void EveryPackageIsThereWithItsReadme()
    {
        string[] expected =
        [
            "mmar", "Mmar.Abstractions", "Mmar.Configuration", "Mmar.ImageIO", "Mmar.Inference", "Mmar.Inferers", "Mmar.Networks", "Mmar.Onnx",
            "Mmar.Templates", "Mmar.Training", "Mmar.Transforms", "Mmar.Workflows",
        ];
        Assert.That(Directory.GetFiles(_feed, "*.nupkg").Select(p => Path.GetFileName(p)), Is.EquivalentTo(expected.Select(id => $"{id}.{_version}.nupkg")));
        foreach (var id in expected)
        {
            using var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(_feed, $"{id}.{_version}.nupkg"));
            Assert.That(package.Entries.Select(e => e.FullName), Does.Contain("README.md"), id);
            if (id.StartsWith("Mmar.", StringComparison.Ordinal) && id != "Mmar.Templates")
                Assert.That(package.Entries.Select(e => e.FullName), Does.Contain($"lib/net10.0/Pipeline.{id[5..]}.xml"), $"{id} carries its XML docs");
        }
    }

    [Test]
    public void TheToolInstallsFromTheFeedAndRuns()
    {
        var tools = Path.Combine(_work, "tools");
        var install = Dotnet(_work, "tool", "install", "--tool-path", tools, "--add-source", _feed, "mmar", "--version", _version);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());

        var help = ExternalProcess.Run(Path.Combine(tools, "mmar"), ["--help"], _work, Limit);

        Assert.That(help.ExitCode, Is.Zero, help.ToString());
        Assert.That(help.Output, Does.Contain("Usage:").And.Contain("infer").And.Contain("export"));
    }

    [Test]
    public void APluginFromTheTemplateBuildsAgainstThePackedContractsAndLoadsIntoAnMmar()
    {
        var hive = Path.Combine(_work, "template-hive");
        var install = Dotnet(_work, "new", "install", Path.Combine(_feed, $"Mmar.Templates.{_version}.nupkg"), "--debug:custom-hive", hive);
        Assert.That(install.ExitCode, Is.Zero, install.ToString());
        var created = Dotnet(_work, "new", "mmar-plugin", "-n", "Lungs", "--debug:custom-hive", hive);
        Assert.That(created.ExitCode, Is.Zero, created.ToString());
        var plugin = Path.Combine(_work, "Lungs");
        Assert.That(File.ReadAllText(Path.Combine(plugin, "Lungs", "Lungs.csproj")), Does.Contain($"Version=\"{_version}\""));

        var build = Dotnet(plugin, "build", "Lungs", "-c", "Release");
        var test = Dotnet(plugin, "test", "Lungs.Tests", "-c", "Release");

        Assert.That(build.ExitCode, Is.Zero, build.ToString());
        Assert.That(test.ExitCode, Is.Zero, test.ToString());
        var output = Path.Combine(plugin, "Lungs", "bin", "Release", "net10.0");
        Assert.That(Directory.GetFiles(output, "*.dll").Select(Path.GetFileName), Is.EqualTo(new[] { "Lungs.dll" }), "the plugin's output holds only its own assembly");

        var mmar = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace(
            "{ \"name\": \"LoadNifti\", \"args\": { \"fields\": [\"image\", \"label\"] } },",
            "{ \"name\": \"LoadNifti\", \"args\": { \"fields\": [\"image\", \"label\"] } }, { \"name\": \"LungsMultiply\", \"args\": { \"fields\": \"image\", \"factor\": 0.5 } },",
            StringComparison.Ordinal));
        try
        {
            Directory.CreateDirectory(Path.Combine(mmar, "plugins"));
            File.Copy(Path.Combine(output, "Lungs.dll"), Path.Combine(mmar, "plugins", "Lungs.dll"));
            var check = CliRun.Invoke("check", "-m", mmar, "-c", "config/config_train.json");
            Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Success), check.ToString());
            var list = CliRun.Invoke("list", "-m", mmar);
            Assert.That(list.Output, Does.Contain("LungsMultiply"));

            File.WriteAllText(Path.Combine(mmar, "config", "bad.json"), File.ReadAllText(Path.Combine(mmar, "config", "config_train.json"))
                .Replace("\"factor\": 0.5", "\"factor\": \"half\"", StringComparison.Ordinal));
            var bad = CliRun.Invoke("check", "-m", mmar, "-c", "config/bad.json");
            Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.ConfigError), bad.ToString());
            Assert.That(bad.Error, Does.Contain("train.pre_transforms[1].args.factor"));
        }
        finally
        {
            Directory.Delete(mmar, recursive: true);
        }
    }

    [Test]
    public void TheEmbeddedSampleBuiltFromTheFeedSegmentsAsMmarInferDoes()
    {
        var sample = Path.Combine(_work, "EmbeddedInference");
        Directory.CreateDirectory(sample);
        foreach (var file in new[] { "EmbeddedInference.csproj", "Program.cs" })
            File.Copy(Path.Combine(RepoPaths.Root, "samples", "EmbeddedInference", file), Path.Combine(sample, file));
        var build = Dotnet(sample, "build", "-c", "Release", $"-p:MmarVersion={_version}");
        Assert.That(build.ExitCode, Is.Zero, build.ToString());

        var mmar = TinyTrainingMmar.Create(TinyTrainingMmar.Config.Replace("\"epochs\": 2", "\"epochs\": 1", StringComparison.Ordinal));
        try
        {
            Assert.That(CliRun.Invoke("train", "-m", mmar).ExitCode, Is.EqualTo(ExitCodes.Success));
            File.WriteAllText(Path.Combine(mmar, "config", "config_validation.json"), """
                {
                  "pre_transforms": [ { "name": "LoadNifti", "args": { "fields": "image" } } ],
                  "model_loader": { "name": "CheckpointLoader", "args": { "checkpoint_dir": "{MMAR_CKPT_DIR}" } },
                  "inferer": { "name": "ScanWindowInferer", "args": { "roi_size": [32, 32, 16], "batch_size": 2, "mode": "gaussian" } },
                  "post_transforms": [ { "name": "ArgmaxAcrossChannels", "args": { "fields": "model", "dtype": "uint8" } } ],
                  "writers": [ { "name": "WriteNifti", "args": { "field": "model", "dtype": "uint8" } } ]
                }
                """);
            var image = Path.Combine(mmar, "data", "i", "c.nii.gz");
            var mask = Path.Combine(_work, "sample_mask.nii.gz");

            var run = ExternalProcess.Run("dotnet", [Path.Combine(sample, "bin", "Release", "net10.0", "EmbeddedInference.dll"), mmar, image, mask], sample, Limit);
            var infer = CliRun.Invoke("infer", "-m", mmar, "-i", image, "-o", Path.Combine(_work, "infer"));

            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            TestContext.Progress.WriteLine($"packages | embedded sample: {run.Output.ReplaceLineEndings(" | ")}");
            Assert.That(infer.ExitCode, Is.EqualTo(ExitCodes.Success), infer.ToString());
            using var expected = NiftiReader.Read(Directory.GetFiles(Path.Combine(_work, "infer"), "*_model.nii.gz", SearchOption.AllDirectories).Single());
            using var actual = NiftiReader.Read(mask);
            Assert.That(actual.Data.shape, Is.EqualTo(expected.Data.shape));
            Assert.That(actual.Data.eq(expected.Data).all().item<bool>(), Is.True, "the sample's mask is mmar infer's, voxel for voxel");
            Assert.That(actual.Affine.ApproximatelyEquals(expected.Affine), Is.True);
        }
        finally
        {
            Directory.Delete(mmar, recursive: true);
        }
    }
}
