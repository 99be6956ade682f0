using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>
/// Every file of <see cref="OddNiftiCorpus"/> through <c>mmar info</c> and <c>mmar convert</c>: odd-but-valid files read
/// as the base image's voxels (with a warning where bytes were ignored), the rest are refused with exit 1 and one plain
/// line naming the file; never a stack trace, a hang, or a file written other than the declared output.
/// </summary>
/// <remarks>
/// With MMAR_DUMP_ODD_NIFTI=DIR set, each case's files and expected verdict are also copied to DIR/NAME/ for
/// tools/fixtures/check_odd_nifti_corpus.py, which records nibabel's verdict beside ours.
/// </remarks>
public sealed partial class OddNiftiCorpusTests
{
    private const string DumpVariable = "MMAR_DUMP_ODD_NIFTI";

    /// <summary>These files are tiny; a command still running after this is hung.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);

    private string _root = "";

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("odd-nifti-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    public static IEnumerable<TestCaseData> Cases() =>
        OddNiftiCorpus.All.Select(c => new TestCaseData(c.Name).SetName($"{(c.Verdict == OddNiftiVerdict.Reads ? "Reads" : "Refuses")} {c.Name}"));

    [Test]
    public void TheCorpusHasManyCasesOfEachKind()
    {
        var all = OddNiftiCorpus.All;
        Assert.That(all.Select(c => c.Name), Is.Unique);
        var counts = all.GroupBy(c => c.Verdict).ToDictionary(g => g.Key, g => g.Count());
        TestContext.Out.WriteLine(string.Join(", ", counts.Select(kv => $"{kv.Key}: {kv.Value}")) + $", total {all.Count}");
        Assert.That(all, Has.Count.GreaterThanOrEqualTo(60));
        Assert.That(counts[OddNiftiVerdict.Reads], Is.GreaterThanOrEqualTo(30));
        Assert.That(counts[OddNiftiVerdict.Corrupt], Is.GreaterThanOrEqualTo(30));
    }

    [TestCaseSource(nameof(Cases))]
    public void InfoAndConvertGiveTheExpectedOutcome(string name)
    {
        var odd = OddNiftiCorpus.All.Single(c => c.Name == name);
        var input = Directory.CreateDirectory(Path.Combine(_root, "in")).FullName;
        var output = Directory.CreateDirectory(Path.Combine(_root, "out")).FullName;
        var path = odd.Write(input);
        Dump(odd, input, path);
        var before = Listing();

        var info = Run("info", path);
        AssertPlain(info);
        Assert.That(Listing(), Is.EqualTo(before), "mmar info wrote a file");
        var target = Path.Combine(output, "converted.nii.gz");
        var convert = Run("convert", path, target);
        AssertPlain(convert);

        if (odd.Verdict == OddNiftiVerdict.Reads)
        {
            Assert.That(info.ExitCode, Is.EqualTo(ExitCodes.Success), info.ToString());
            Assert.That(info.Output, Does.Contain("shape:        [1, 6, 5, 4]"), info.ToString());
            Assert.That(convert.ExitCode, Is.EqualTo(ExitCodes.Success), convert.ToString());
            Assert.That(Listing(), Is.EqualTo(before.Append(Path.GetRelativePath(_root, target)).Order()), "convert wrote something besides its output");
            AssertWarnings(odd, path, info);
            AssertWarnings(odd, path, convert);
            using var converted = NiftiReader.Read(target);
            using var expected = ExpectedVoxels(odd.Values ?? (v => v));
            using var actual = converted.Data.to_type(ScalarType.Float64);
            Assert.That(actual.shape, Is.EqualTo(expected.shape));
            Assert.That(actual.equal(expected).all().item<bool>(), Is.True, "the voxels differ from the base image's");
            return;
        }

        var named = Path.Combine(input, odd.Names ?? Path.GetFileName(path));
        foreach (var (command, run) in new[] { ("info", info), ("convert", convert) })
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), $"mmar {command}: {run}");
            var errors = Lines(run.Error).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
            Assert.That(errors, Has.Count.EqualTo(1), $"mmar {command}: {run}");
            Assert.That(errors[0], Does.Contain(named), $"mmar {command} must name the file");
            Assert.That(errors[0], Does.Contain(odd.Problem), $"mmar {command}");
            Assert.That(run.Output, Is.Empty, $"mmar {command}");
        }
        Assert.That(Listing(), Is.EqualTo(before), "a refused file must leave nothing behind");
    }

    private static CliRun Run(params string[] args)
    {
        var run = Task.Run(() => CliRun.Invoke(args));
        if (!run.Wait(HangBound))
            Assert.Fail($"mmar {string.Join(' ', args)} was still running after {HangBound.TotalSeconds} s");
        return run.Result;
    }

    /// <summary>No stack trace and no exception type name, whatever the outcome.</summary>
    private static void AssertPlain(CliRun run)
    {
        var text = run.Output + run.Error;
        Assert.That(Lines(text).Where(l => l.StartsWith("   at ", StringComparison.Ordinal)), Is.Empty, run.ToString());
        Assert.That(ExceptionName().Match(text).Success, Is.False, run.ToString());
    }

    private static void AssertWarnings(OddNiftiCase odd, string path, CliRun run)
    {
        var warnings = Lines(run.Error).Where(l => l.StartsWith("warning: ", StringComparison.Ordinal)).ToList();
        Assert.That(Lines(run.Error).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)), Is.Empty, run.ToString());
        if (odd.Warning is null)
        {
            Assert.That(warnings, Is.Empty, run.ToString());
            return;
        }
        Assert.That(warnings, Has.Count.EqualTo(1), run.ToString());
        Assert.That(warnings[0], Does.Contain(path).And.Contain(odd.Warning), run.ToString());
    }

    /// <summary>The base image as [1, i, j, k] float64, each value passed through <paramref name="map"/>.</summary>
    private static Tensor ExpectedVoxels(Func<double, double> map)
    {
        var values = new double[OddNiftiBuilder.Nx * OddNiftiBuilder.Ny * OddNiftiBuilder.Nz];
        var n = 0;
        for (var i = 0; i < OddNiftiBuilder.Nx; i++)
        for (var j = 0; j < OddNiftiBuilder.Ny; j++)
        for (var k = 0; k < OddNiftiBuilder.Nz; k++)
            values[n++] = map(OddNiftiBuilder.Value(i, j, k));
        using var flat = tensor(values);
        return flat.reshape(1, OddNiftiBuilder.Nx, OddNiftiBuilder.Ny, OddNiftiBuilder.Nz);
    }

    private List<string> Listing() =>
        Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_root, p)).Order().ToList();

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));

    /// <summary>Copies the case's files and its verdict to the dump folder, when one is set.</summary>
    private static void Dump(OddNiftiCase odd, string input, string path)
    {
        if (Environment.GetEnvironmentVariable(DumpVariable) is not { Length: > 0 } dump) return;
        var folder = Path.Combine(dump, odd.Name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        foreach (var entry in Directory.EnumerateFileSystemEntries(input))
        {
            var target = Path.Combine(folder, Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.CreateDirectory(target);
            else File.Copy(entry, target);
        }
        var facts = new Dictionary<string, string?>
        {
            ["name"] = odd.Name,
            ["file"] = Path.GetFileName(path),
            ["verdict"] = odd.Verdict.ToString().ToLowerInvariant(),
            ["problem"] = odd.Problem,
            ["warning"] = odd.Warning,
            ["scaled"] = odd.Values is null ? null : "true",
        };
        File.WriteAllText(Path.Combine(folder, "case.json"), JsonSerializer.Serialize(facts, new JsonSerializerOptions { WriteIndented = true }));
    }

    [GeneratedRegex(@"\b\w+Exception\b")]
    private static partial Regex ExceptionName();
}
