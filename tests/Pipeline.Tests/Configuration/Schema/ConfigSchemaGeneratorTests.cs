using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NJsonSchema;
using NUnit.Framework;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Registry;
using Pipeline.Configuration.Schema;
using Pipeline.Tests.Configuration.Registry;

namespace Pipeline.Tests.Configuration.Schema;

/// <summary>The generated schema accepts what the binder accepts and rejects unknown components and mistyped args (checked with NJsonSchema).</summary>
public sealed class ConfigSchemaGeneratorTests
{
    private ServiceProvider _services = null!;
    private ConfigSchemaGenerator _generator = null!;

    [SetUp]
    public void SetUp()
    {
        _services = new ServiceCollection()
            .AddPipelineComponentTypes(ComponentSource.BuiltIn, [.. TestComponents.All, typeof(FakeDiceLoss), typeof(FakeSegResnet), typeof(FakeImagePipeline)])
            .BuildServiceProvider();
        _generator = new ConfigSchemaGenerator(_services.GetRequiredService<ComponentRegistry>());
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    private const string ValidValidationConfig = """
        {
          "batch_size": 1,
          "output_infer_result": true,
          "pre_transforms": [
            {"name": "FakeTypedTransform#Typed", "args": {"fields": "image", "size": 3, "roi_size": "32,64,64", "mode": "nearest_neighbor", "_why": "comment"}},
            {"name": "FakeTypedTransform", "disabled": true, "args": {"fields": ["image", "label"], "size": 2.0, "seed": null, "scale": "0.5", "use_group_normG": true, "labels": {"liver": 1}}},
            {"ref": "Typed"},
            {"name": "MyTransform", "path": "My.Plugin.MyTransform", "args": {"anything": [1, 2]}}
          ],
          "inferer": {"name": "TFFakeScanWindowInferer", "args": {"roi_size": [96, 96, 96], "batch_size": 4}},
          "model_loader": {"name": "FakeCheckpointLoader", "args": {"checkpoint_file": "{MMAR_CKPT_DIR}/model.pt"}},
          "val_metrics": [{"name": "ai4med.components.metric.FakeDice", "args": {"field": "model", "is_key_metric": true}}]
        }
        """;

    private async Task<ICollection<NJsonSchema.Validation.ValidationError>> Validate(ConfigKind kind, string config)
    {
        var schema = await JsonSchema.FromJsonAsync(_generator.GenerateText(kind));
        return schema.Validate(config);
    }

    private static string Replace(string config, string from, string to)
    {
        Assert.That(config, Does.Contain(from));
        return config.Replace(from, to);
    }

    [Test]
    public void IsDraft07WithOneDefinitionPerSectionKind()
    {
        var schema = _generator.Generate(ConfigKind.Validation);
        Assert.That(schema["$schema"]!.GetValue<string>(), Is.EqualTo("http://json-schema.org/draft-07/schema#"));
        Assert.That(schema["definitions"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "inferer", "model_loader", "transform", "metric", "writer" }));
        var names = schema["definitions"]!["inferer"]!["allOf"]![0]!["anyOf"]![1]!["properties"]!["name"]!["anyOf"]![0]!["enum"]!.AsArray();
        Assert.That(names.Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "FakeScanWindowInferer", "TFFakeScanWindowInferer" }));
    }

    [Test]
    public async Task AValidConfigPasses()
    {
        var errors = await Validate(ConfigKind.Validation, ValidValidationConfig);
        Assert.That(errors, Is.Empty, string.Join("\n", errors));
    }

    [TestCase("\"TFFakeScanWindowInferer\"", "\"TFFakeScanWindowInfrer\"", TestName = "Unknown component name")]
    [TestCase("\"FakeCheckpointLoader\"", "\"FakeDice\"", TestName = "Component of another kind")]
    [TestCase("\"roi_size\": [96, 96, 96]", "\"roi_size\": true", TestName = "Wrong arg type")]
    [TestCase("\"roi_size\": [96, 96, 96]", "\"roi_size\": [96, \"x\", 96]", TestName = "Wrong element type")]
    [TestCase("\"batch_size\": 4", "\"batch_size\": 4.5", TestName = "Fractional integer")]
    [TestCase("\"mode\": \"nearest_neighbor\"", "\"mode\": \"cubic\"", TestName = "Unknown enum value")]
    [TestCase("\"is_key_metric\": true", "\"is_key_metirc\": true", TestName = "Unknown arg of a built-in")]
    [TestCase("\"size\": 3, ", "", TestName = "Missing required arg")]
    [TestCase("\"batch_size\": 1,", "\"batch_size\": \"one\",", TestName = "Wrong global type")]
    [TestCase("\"disabled\": true", "\"disabled\": \"no\"", TestName = "Non-boolean disabled")]
    public async Task AnInvalidConfigFails(string from, string to)
    {
        var errors = await Validate(ConfigKind.Validation, Replace(ValidValidationConfig, from, to));
        Assert.That(errors, Is.Not.Empty);
    }

    [Test]
    public async Task ATrainingConfigValidates()
    {
        const string config = """
            {
              "epochs": 10,
              "learning_rate": 1e-4,
              "train": {
                "loss": {"name": "FakeDiceLoss", "args": {"squared_pred": true}},
                "model": {"name": "FakeSegResnet", "args": {"num_classes": 2}},
                "pre_transforms": [{"name": "FakeTypedTransform#Crop", "args": {"fields": "image", "size": 1}}],
                "image_pipeline": {"name": "FakeImagePipeline", "args": {"data_list_file_path": "{DATASET_JSON}", "batch_size": 2}}
              },
              "validate": {
                "metrics": [{"name": "FakeDice", "args": {"is_key_metric": true}}],
                "pre_transforms": [{"ref": "Crop"}],
                "image_pipeline": {"name": "FakeImagePipeline", "args": {"data_list_file_path": "{DATASET_JSON}", "data_list_key": "validation"}},
                "inferer": {"name": "FakeScanWindowInferer", "args": {"roi_size": 64}}
              }
            }
            """;
        var errors = await Validate(ConfigKind.Train, config);
        Assert.That(errors, Is.Empty, string.Join("\n", errors));
        Assert.That(await Validate(ConfigKind.Train, config.Replace("\"num_classes\": 2", "\"num_classes\": \"two\"")), Is.Not.Empty);
        Assert.That(await Validate(ConfigKind.Train, config.Replace("\"epochs\": 10", "\"epochs\": true")), Is.Not.Empty);
    }

    [Test]
    public void ArgSchemasCarryDefaultsAndDescriptions()
    {
        var text = _generator.GenerateText(ConfigKind.Validation);
        var schema = JsonNode.Parse(text)!;
        var typed = schema["definitions"]!["transform"]!["allOf"]!.AsArray()
            .Select(r => r!["anyOf"]![1]!["properties"]?["args"]).OfType<JsonNode>()
            .First(a => a["description"]!.GetValue<string>().StartsWith("args of FakeTypedTransform", StringComparison.Ordinal));
        Assert.That(typed["properties"]!["scale"]!["default"]!.GetValue<double>(), Is.EqualTo(1.5));
        Assert.That(typed["properties"]!["mode"]!["default"]!.GetValue<string>(), Is.EqualTo("linear"));
        Assert.That(typed["properties"]!["group_norm"]!["description"]!.GetValue<string>(), Is.EqualTo("use group normalisation"));
        Assert.That(typed["additionalProperties"]!.GetValue<bool>(), Is.False);
    }
}
