using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Transforms.Crops;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Transforms.Crops;

/// <summary>The crops bind from Clara 3.x config JSON as the sample configs wrote them, and bad args are reported at their JSON path.</summary>
public sealed class CropConfigBindingTests
{
    private static readonly Type[] Types =
    [
        typeof(CropSubVolumeCenter), typeof(CropFixedSizeRandomCenter), typeof(CropForegroundObject), typeof(FastPosNegRatioCropROI),
        typeof(CropByPosNegRatio), typeof(FastCropByPosNegRatio), typeof(CropByPosNegRatioLabelOnly),
    ];

    private static (object? Component, ConfigProblems Problems) Create(string name, string args) =>
        ConfigBinding.Create(Types, name, args, "config_train.json", "train.pre_transforms[5]");

    // NVIDIA/clara-train-examples NoteBooks/Performance/config/trn_base.json and trn_BT_cache.json; the BraTS MMAR's crops.
    [TestCase("FastPosNegRatioCropROI", """
        {"size": [96,96,96], "image_field": "image", "label_field": "label", "deform": false,
         "rotation": false, "rotation_degree": 20, "scale": false, "scale_factor": 0.1, "pos": 1, "neg": 1, "fast_crop": true}
        """)]
    [TestCase("FastPosNegRatioCropROI", """{"size": [96,96,96], "image_field": "image", "label_field": "label", "pos": 1, "neg": 1, "batch_size": 1, "deform": true}""")]
    [TestCase("FastCropByPosNegRatio", """{"size": [96,96,96], "fields": "image", "label_field": "label", "pos": 1, "neg": 1, "batch_size": 3, "batches_to_gen_at_once": 48}""")]
    [TestCase("FastCropByPosNegRatio", """{"size": [96,96,96], "fields": "image", "label_field": "label", "pos": 1, "neg": 1, "batch_size": 3}""")]
    [TestCase("CropByPosNegRatio", """{"size": "64,64,64", "fields": ["image"], "label_field": "label", "pos": 1, "neg": 1, "batch_size": 2, "batches_to_gen_at_once": 30}""")]
    [TestCase("CropByPosNegRatioLabelOnly", """{"size": [64,64,64], "fields": ["image", "label"], "label_field": "label", "pos": 2, "neg": 1, "batch_size": 4}""")]
    [TestCase("CropFixedSizeRandomCenter", """{"size": [128,128,128], "fields": ["image", "label"]}""")]
    [TestCase("CropSubVolumeCenter", """{"size": [128,128,128], "fields": ["image", "label"]}""")]
    [TestCase("CropForegroundObject", """{"fields": ["image", "label"], "label_field": "label", "margin": 10}""")]
    public void ClaraArgsBind(string name, string args)
    {
        var (component, problems) = Create(name, args);
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => p.Message)));
        Assert.That(component, Is.InstanceOf<ITransform>().And.InstanceOf<IDeclaresFields>());
    }

    [TestCase("FastCropByPosNegRatio", """{"size": [96,-96,96], "fields": "image", "label_field": "label", "batch_size": 3}""", "size[1]")]
    [TestCase("FastCropByPosNegRatio", """{"size": [96,96,96], "fields": "image", "label_field": "label", "pos": 0, "neg": 0}""", "pos")]
    [TestCase("CropByPosNegRatio", """{"size": [96,96,96,96], "fields": "image", "label_field": "label"}""", "size")]
    [TestCase("FastPosNegRatioCropROI", """{"size": [96], "image_field": "image", "label_field": "label", "rotation_degree": 400}""", "rotation_degree")]
    [TestCase("CropSubVolumeCenter", """{"size": [0, 128, 128], "fields": "image"}""", "size[0]")]
    public void BadArgsAreReportedAtTheirPath(string name, string args, string arg)
    {
        var (component, problems) = Create(name, args);
        Assert.That(component, Is.Null);
        var path = $"train.pre_transforms[5].args.{arg}";
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
    }
}
