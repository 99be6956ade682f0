using NUnit.Framework;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class FileProblemTests
{
    [Test]
    public void SyntaxErrorNamesFileLineAndColumn()
    {
        using var mmar = new TempMmar();
        var file = mmar.WriteText("config/config_train.json", "{\n  \"epochs\": 10,\n  \"use_amp\": ture\n}\n");
        mmar.WriteText("config/environment.json", mmar.Environment.ToJsonString());

        var result = MmarLoader.Read(new MmarLoadOptions { MmarRoot = mmar.Root });

        Assert.That(result.Config, Is.Null);
        var problem = result.Problems.Items.Single();
        Assert.That(problem.File, Is.EqualTo(file));
        Assert.That(problem.Message, Does.Contain("line 3, column"));
        Assert.That(problem.Message, Does.Contain("ture"));
    }

    [Test]
    public void CommentsAndTrailingCommasAreRejected()
    {
        var problems = new ConfigProblems();
        StrictJson.Parse("{\"a\": 1,\n}"u8, "x.json", "config file", problems);
        Assert.That(problems.Items.Single().Message, Does.Contain("line 2"));

        problems = new ConfigProblems();
        StrictJson.Parse("{\"a\": 1 // why\n}"u8, "x.json", "config file", problems);
        Assert.That(problems.HasErrors, Is.True);
    }

    [Test]
    public void DuplicateKeyIsAWarningAndTheLastWins()
    {
        var problems = new ConfigProblems();
        var node = StrictJson.Parse("{\n\"a\": 1,\n\"a\": 2}"u8, "x.json", "config file", problems);
        Assert.That(node!["a"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(problems.Items.Single().IsWarning, Is.True);
        Assert.That(problems.Items.Single().Message, Does.Contain("line 3"));
    }

    [Test]
    public void MissingConfigAndEnvironmentAreBothReported()
    {
        using var mmar = new TempMmar();

        var result = MmarLoader.Read(new MmarLoadOptions { MmarRoot = mmar.Root, Set = ["broken"] });

        Assert.That(result.Config, Is.Null);
        Assert.That(result.Problems.Items.Select(p => p.File), Is.EquivalentTo(new[]
        {
            "", Path.Combine(mmar.Root, "config", "config_train.json"), Path.Combine(mmar.Root, "config", "environment.json"),
        }));
        Assert.That(result.Problems.Items.Where(p => p.File.Length > 0).Select(p => p.Message), Has.All.Contains("not found"));
    }

    [Test]
    public void MissingEnvironmentStillChecksTheConfig()
    {
        using var mmar = new TempMmar();
        mmar.Read();
        File.Delete(Path.Combine(mmar.Root, "config", "environment.json"));

        var result = MmarLoader.Read(new MmarLoadOptions { MmarRoot = mmar.Root });

        Assert.That(result.Config, Is.Not.Null);
        Assert.That(result.Problems.Items.Any(p => p.File.EndsWith("environment.json") && p.Message.Contains("not found")), Is.True);
        Assert.That(result.Problems.At("train.image_pipeline.args.data_list_file_path").Message, Does.Contain("{DATASET_JSON}"));
    }

    [Test]
    public void MissingMmarFolderIsAProblem()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-mmar-" + Guid.NewGuid().ToString("N"));

        var result = MmarLoader.Read(new MmarLoadOptions { MmarRoot = missing });

        Assert.That(result.Config, Is.Null);
        Assert.That(result.Problems.Items.Single().File, Is.EqualTo(missing));
        Assert.That(result.Problems.Items.Single().Message, Does.Contain("MMAR folder not found"));
    }

    [Test]
    public void TopLevelArrayIsAnError()
    {
        using var mmar = new TempMmar();
        mmar.WriteText("config/config_train.json", "[1]");
        mmar.WriteText("config/environment.json", "{}");

        var result = MmarLoader.Read(new MmarLoadOptions { MmarRoot = mmar.Root });

        Assert.That(result.Problems.Items.Single().Message, Does.Contain("found a list at the top of the config file"));
    }
}
