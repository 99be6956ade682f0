using System.Text.Json;
using NUnit.Framework;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class DatalistTests
{
    [Test]
    public void ReadsPathsChannelsAndValues()
    {
        using var mmar = new TempMmar();
        var file = mmar.WriteText("config/dataset_0.json", """
            {
              "description": "BraTS",
              "numTraining": 2,
              "training": [
                {"image": ["t1/a.nii.gz", "t2/a.nii.gz", "/abs/flair/a.nii.gz"], "label": "seg/a.nii.gz"},
                {"image": "t1/b.nii.gz", "label": 1, "onehot": [0, 1, 0]}
              ]
            }
            """);

        var items = Datalist.Load(file, "/data/brats", "training");

        Assert.That(items, Has.Count.EqualTo(2));
        Assert.That(items[0].TryGetPaths("image", out var channels), Is.True);
        Assert.That(channels, Is.EqualTo(new[] { "/data/brats/t1/a.nii.gz", "/data/brats/t2/a.nii.gz", "/abs/flair/a.nii.gz" }));
        Assert.That(items[0].Files["image"].IsList, Is.True);
        Assert.That(items[0].Files["label"].IsList, Is.False);
        Assert.That(items[1].Files["image"].Paths, Is.EqualTo(new[] { "/data/brats/t1/b.nii.gz" }));
        Assert.That(items[1].TryGetPaths("label", out _), Is.False);
        Assert.That(items[1].TryGetValue("label", out var label), Is.True);
        Assert.That(label!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(items[1].TryGetValue("onehot", out var onehot), Is.True);
        Assert.That(onehot!.GetValueKind(), Is.EqualTo(JsonValueKind.Array));
        Assert.That(items[1].JsonPath, Is.EqualTo("training[1]"));
    }

    [Test]
    public void MissingKeyNamesTheListsThatExist()
    {
        using var mmar = new TempMmar();
        var file = mmar.WriteText("config/dataset_0.json", """{"training": [], "testing": [], "labels": {"0": "bg"}}""");

        var problems = new ConfigProblems();
        Datalist.Load(file, "/data", "validaton", problems);

        var problem = problems.At("validaton");
        Assert.That(problem.File, Is.EqualTo(file));
        Assert.That(problem.Message, Does.Contain("lists in this file: training, testing"));
        Assert.That(problem.Message, Does.Not.Contain("labels"));
    }

    [Test]
    public void ItemErrorsAreAllReportedWithPaths()
    {
        using var mmar = new TempMmar();
        var file = mmar.WriteText("config/dataset_0.json", """
            {"validation": [
              {"image": "a.nii.gz", "label": "a_seg.nii.gz"},
              "b.nii.gz",
              {"image": "", "label": "c_seg.nii.gz"},
              {"image": ["d1.nii.gz", "  "], "label": "d_seg.nii.gz"},
              {"image": ["e.nii.gz", 3]}
            ]}
            """);

        var problems = new ConfigProblems();
        var items = Datalist.Load(file, "/data", "validation", problems);

        Assert.That(items.Select(i => i.Index), Is.EqualTo(new[] { 0 }));
        Assert.That(problems.Errors().Select(p => p.JsonPath),
            Is.EqualTo(new[] { "validation[1]", "validation[2].image", "validation[3].image[1]", "validation[4].image" }));
        var ex = Assert.Throws<ConfigException>(() => Datalist.Load(file, "/data", "validation"));
        Assert.That(ex!.Problems.Count(p => !p.IsWarning), Is.EqualTo(4));
    }

    [Test]
    public void MissingFileAndWrongShapes()
    {
        using var mmar = new TempMmar();
        var problems = new ConfigProblems();
        Datalist.Load(Path.Combine(mmar.Root, "config", "nope.json"), "/data", "training", problems);
        Assert.That(problems.Items.Single().Message, Does.Contain("not found"));

        var array = mmar.WriteText("config/array.json", "[]");
        problems = new ConfigProblems();
        Datalist.Load(array, "/data", "training", problems);
        Assert.That(problems.Items.Single().Message, Does.Contain("a list").And.Contain("accepted: an object"));

        var notList = mmar.WriteText("config/notlist.json", """{"training": {"image": "a"}}""");
        problems = new ConfigProblems();
        Datalist.Load(notList, "/data", "training", problems);
        Assert.That(problems.At("training").Message, Does.Contain("found an object"));
    }

    [Test]
    public void CheckingFilesReportsMissingOnes()
    {
        using var mmar = new TempMmar();
        mmar.WriteText("data/a.nii.gz", "x");
        var file = mmar.WriteText("config/dataset_0.json", """{"training": [{"image": "a.nii.gz", "label": "missing.nii.gz"}]}""");

        var problems = new ConfigProblems();
        Datalist.Load(file, Path.Combine(mmar.Root, "data"), "training", problems, checkFilesExist: true);

        Assert.That(problems.At("training[0].label").Message, Does.Contain("missing.nii.gz"));
        Assert.That(problems.Items, Has.Count.EqualTo(1));
    }
}
