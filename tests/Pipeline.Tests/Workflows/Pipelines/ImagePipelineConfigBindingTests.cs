using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Workflows.Pipelines;

namespace Pipeline.Tests.Workflows.Pipelines;

/// <summary>The segmentation pipeline binds from a Clara <c>image_pipeline</c> spec; bad args are reported at their path.</summary>
public sealed class ImagePipelineConfigBindingTests
{
    private static readonly Type[] Types = [typeof(SegmentationImagePipeline), typeof(SegmentationImagePipelineWithCache)];

    private static string Args(SyntheticDatalist data, string extra) => $$"""
        {"data_list_file_path": {{JsonValue.Create(data.DatalistFile).ToJsonString()}}, "data_file_base_dir": {{JsonValue.Create(data.Folder).ToJsonString()}},
         "data_list_key": "training", "output_crop_size": [4, 4, 4] {{extra}} }
        """;

    [TestCase("SegmentationImagePipeline")]
    [TestCase("SegmentationKerasImagePipeline")]
    public void BindsClaraArgs(string name)
    {
        using var data = new SyntheticDatalist(3);
        var (component, problems) = ConfigBinding.Create(ComponentKind.ImagePipeline, Types, name,
            Args(data, """, "output_batch_size": 2, "output_image_channels": 1, "output_label_channels": 1, "batched_by_transforms": false, "num_workers": 2, "prefetch_size": 4, "shuffle": true, "repeat": false, "multiprocessing": false"""),
            "config_train.json", "train.image_pipeline");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(((SegmentationImagePipeline)component!).ItemCount, Is.EqualTo(3));
    }

    [TestCase("SegmentationImagePipelineWithCache")]
    [TestCase("SegmentationKerasImagePipelineWithCache")]
    public void BindsClaraSmartCacheArgs(string name)
    {
        using var data = new SyntheticDatalist(5);
        var (component, problems) = ConfigBinding.Create(ComponentKind.ImagePipeline, Types, name,
            Args(data, """, "output_batch_size": 3, "batched_by_transforms": true, "num_workers": 2, "prefetch_size": 0, "num_cache_objects": 3, "replace_percent": 0.25, "multiprocessing": true"""),
            "config_train.json", "train.image_pipeline");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var pipeline = (SegmentationImagePipelineWithCache)component!;
        Assert.That(pipeline.ItemCount, Is.EqualTo(3), "an epoch is one pass over the cache");
        Assert.That(pipeline.CropSize, Is.EqualTo(new[] { 4, 4, 4 }));
    }

    [TestCase(""", "num_cache_objects": 0""", "train.image_pipeline.args.num_cache_objects", "1 or more")]
    [TestCase(""", "num_cache_objects": -4""", "train.image_pipeline.args.num_cache_objects", "1 or more")]
    [TestCase(""", "num_cache_objects": 2, "replace_percent": 1.5""", "train.image_pipeline.args.replace_percent", "from 0")]
    [TestCase(""", "num_cache_objects": 2, "replace_percent": -0.1""", "train.image_pipeline.args.replace_percent", "from 0")]
    [TestCase(""", "num_cache_objects": 2, "num_replace_workers": 0""", "train.image_pipeline.args.num_replace_workers", "1 or more")]
    [TestCase(""", "num_cache_objects": 2, "num_workers": 0""", "train.image_pipeline.args.num_workers", "1 or more")]
    [TestCase("", "train.image_pipeline.args", "needs arg 'num_cache_objects'")]
    public void BadSmartCacheArgsAreReportedAtTheirPath(string extra, string path, string accepted)
    {
        using var data = new SyntheticDatalist(1);
        var args = JsonNode.Parse(Args(data, ""))!.AsObject();
        if (extra.Length > 0)
            foreach (var (key, value) in JsonNode.Parse("{" + extra.TrimStart(',') + "}")!.AsObject()) args[key] = value?.DeepClone();
        var (component, problems) = ConfigBinding.Create(ComponentKind.ImagePipeline, Types, "SegmentationImagePipelineWithCache", args.ToJsonString(),
            "config_train.json", "train.image_pipeline");
        Assert.That(component, Is.Null);
        var problem = problems.Items.FirstOrDefault(p => p.JsonPath == path);
        Assert.That(problem, Is.Not.Null, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problem!.Message, Does.Contain(accepted));
    }

    [TestCase(""", "output_batch_size": 0""", "train.image_pipeline.args.output_batch_size")]
    [TestCase(""", "num_workers": 0""", "train.image_pipeline.args.num_workers")]
    [TestCase(""", "prefetch_size": -1""", "train.image_pipeline.args.prefetch_size")]
    [TestCase(""", "output_image_channels": 0""", "train.image_pipeline.args.output_image_channels")]
    [TestCase(""", "data_list_key": "testing" """, "train.image_pipeline.args.data_list_file_path")]
    public void BadArgsAreReportedAtTheirPath(string extra, string path)
    {
        using var data = new SyntheticDatalist(1);
        var args = JsonNode.Parse(Args(data, ""))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse("{" + extra.TrimStart(',') + "}")!.AsObject()) args[key] = value?.DeepClone();
        var (component, problems) = ConfigBinding.Create(ComponentKind.ImagePipeline, Types, "SegmentationImagePipeline", args.ToJsonString(),
            "config_train.json", "train.image_pipeline");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
    }

    [Test]
    public void ANegativeCropSizeOtherThanMinusOneIsReportedAtItsElement()
    {
        using var data = new SyntheticDatalist(1);
        var args = JsonNode.Parse(Args(data, ""))!.AsObject();
        args["output_crop_size"] = new JsonArray(4, -2, 4);
        var (component, problems) = ConfigBinding.Create(ComponentKind.ImagePipeline, Types, "SegmentationImagePipeline", args.ToJsonString(),
            "config_train.json", "train.image_pipeline");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain("-1 (any size)"));
    }
}
