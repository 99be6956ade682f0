using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Transforms.Spatial;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Transforms.Spatial;

/// <summary>The spatial transforms bind from Clara config JSON, and bad args are reported at their JSON path.</summary>
public sealed class ConfigBindingTests
{
    private static readonly Type[] Types =
    [
        typeof(ScaleByResolution), typeof(ScaleByFactor), typeof(ScaleToShape), typeof(RestoreOriginalShape), typeof(SymmetricPadderDiv),
        typeof(SetOrientation), typeof(RestoreOrientation), typeof(RandomZoom), typeof(RandomAxisFlip), typeof(RandomSpatialFlip),
        typeof(RandomRotate2D), typeof(RandomRotate3D),
    ];

    private static (object? Component, ConfigProblems Problems) Create(string name, string args) =>
        ConfigBinding.Create(Types, name, args, "config_train.json", "train.pre_transforms[0]");

    // The first rows are args exactly as Clara 3.x configs wrote them (Performance/GettingStarted notebooks, AIAA configs).
    [TestCase("ScaleByResolution", """{"fields": ["image"], "target_resolution": [1.0, 1.0, 1.0]}""")]
    [TestCase("ScaleByResolution", """{"fields": ["label"], "is_label": true, "target_resolution": [1.0, 1.0, 1.0]}""")]
    [TestCase("RandomZoom", """{"image_field": "image", "label_field": "label", "lower_limits": [0.9, 0.9, 0.9], "upper_limits": [1.1, 1.1, 1.1]}""")]
    [TestCase("RandomSpatialFlip", """{"fields": ["image", "label"]}""")]
    [TestCase("RandomAxisFlip", """{"fields": ["image", "label"], "probability": 0.5}""")]
    [TestCase("RandomRotate3D", """{"fields": ["image", "label"], "probability": 0.5}""")]
    [TestCase("RestoreOriginalShape", """{"field": "model", "src_field": "image", "is_label": true}""")]
    [TestCase("Orientation", """{"fields": ["image", "label"], "axcodes": "RAS"}""")]
    [TestCase("SetOrientation", """{"fields": "image"}""")]
    [TestCase("RestoreOrientation", """{"fields": "model"}""")]
    [TestCase("SymmetricPadderDiv", """{"fields": "image", "divisor": 16, "mode": "edge"}""")]
    [TestCase("ScaleByFactor", """{"fields": "image", "factor": 0.5}""")]
    [TestCase("ScaleToShape", """{"fields": "image", "target_shape": "96,96,64", "is_label": false}""")]
    [TestCase("RandomRotate2D", """{"fields": "image", "degrees": [-10, 10], "padding_mode": "constant"}""")]
    [TestCase("RandomRotate3D", """{"fields": ["image", "seg"], "label_fields": ["seg"], "degrees_z": 180}""")]
    public void ClaraArgsBind(string name, string args)
    {
        var (component, problems) = Create(name, args);
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => p.Message)));
        Assert.That(component, Is.InstanceOf<ITransform>().And.InstanceOf<IDeclaresFields>());
    }

    [TestCase("SymmetricPadderDiv", """{"fields": "image", "divisor": [0]}""", "train.pre_transforms[0].args.divisor")]
    [TestCase("RandomZoom", """{"image_field": "image", "lower_limits": 1.2, "upper_limits": 1.1}""", "train.pre_transforms[0].args.lower_limits")]
    [TestCase("Orientation", """{"fields": "image", "axcodes": "XYZ"}""", "train.pre_transforms[0].args.axcodes")]
    [TestCase("RandomSpatialFlip", """{"fields": "image", "probability": 2}""", "train.pre_transforms[0].args.probability")]
    [TestCase("SymmetricPadderDiv", """{"fields": "image", "mode": "wrap"}""", "train.pre_transforms[0].args.mode")]
    public void BadArgsAreReportedAtTheirPath(string name, string args, string path)
    {
        var (component, problems) = Create(name, args);
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Has.Some.StartsWith(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
    }
}
