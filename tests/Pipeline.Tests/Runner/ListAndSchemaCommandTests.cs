using NJsonSchema;
using NUnit.Framework;

namespace Pipeline.Tests.Runner;

public sealed class ListAndSchemaCommandTests
{
    [Test]
    public void ListShowsComponentsWithArgsTypesAndDefaults()
    {
        var run = CliRun.Invoke("list", "transform");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("ScaleIntensityRange"));
        Assert.That(run.Output, Does.Contain("a_min: number, required"));
        Assert.That(run.Output, Does.Contain("b_max: number, default 1"));
    }

    [Test]
    public void ListRejectsAnUnknownKindWithASuggestion()
    {
        var run = CliRun.Invoke("list", "transfrom");
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("did you mean transform?"));
    }

    [TestCaseSource(typeof(RepoPaths), nameof(RepoPaths.ExampleMmars))]
    public async Task ExampleConfigsValidateAgainstTheGeneratedSchema(string mmar)
    {
        foreach (var (file, kind) in new[] { ("config_train.json", "train"), ("config_validation.json", "validation") })
        {
            var path = Path.Combine(mmar, "config", file);
            if (!File.Exists(path)) continue;
            var run = CliRun.Invoke("schema", "--kind", kind);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            var schema = await JsonSchema.FromJsonAsync(run.Output);
            var errors = schema.Validate(await File.ReadAllTextAsync(path));
            Assert.That(errors, Is.Empty, $"{path}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}");
        }
    }

    [Test]
    public async Task SchemaRejectsAnUnknownComponentAndAWrongArgType()
    {
        var run = CliRun.Invoke("schema");
        var schema = await JsonSchema.FromJsonAsync(run.Output);
        var unknown = """{ "train": { "pre_transforms": [ { "name": "NoSuchTransform" } ] } }""";
        var wrongType = """{ "train": { "pre_transforms": [ { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 0, "a_max": 1, "clip": "often" } } ] } }""";
        Assert.That(schema.Validate(unknown), Is.Not.Empty);
        Assert.That(schema.Validate(wrongType), Is.Not.Empty);
    }

    [Test]
    public void SchemaWritesAtomicallyToAFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"schema-{Guid.NewGuid():N}.json");
        try
        {
            var run = CliRun.Invoke("schema", "--kind", "validation", "-o", file);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(File.ReadAllText(file), Does.Contain("\"$schema\""));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(file)!, $".{Path.GetFileName(file)}*.tmp"), Is.Empty);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
