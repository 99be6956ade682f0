using NUnit.Framework;
using Pipeline.Runner;

namespace Pipeline.Tests.Runner;

/// <summary><c>mmar check</c> compares the training crop, the validation roi_size and dynamic_input_shape with the network's input contract.</summary>
public sealed class InputContractCheckTests
{
    private string _dir = "";

    [SetUp]
    public void CreateMmar()
    {
        _dir = Directory.CreateTempSubdirectory("mmar-contract-").FullName;
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        File.WriteAllText(Path.Combine(_dir, "config", "environment.json"), """{ "MMAR_CKPT_DIR": "models" }""");
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private CliRun Check(string model, string crop, string roi, bool? dynamic)
    {
        var dynamicLine = dynamic is null ? "" : $"\"dynamic_input_shape\": {dynamic.Value.ToString().ToLowerInvariant()},";
        File.WriteAllText(Path.Combine(_dir, "config", "config_train.json"), $$"""
        {
          {{dynamicLine}}
          "epochs": 1,
          "train": {
            "model": {{model}},
            "pre_transforms": [ { "name": "CropFixedSizeRandomCenter", "args": { "fields": "image", "size": {{crop}} } } ]
          },
          "validate": { "inferer": { "name": "TFScanWindowInferer", "args": { "roi_size": {{roi}}, "batch_size": 1 } } }
        }
        """);
        return CliRun.Invoke("check", "-m", _dir);
    }

    private const string SegResnet = """{ "name": "SegResnet", "args": { "num_classes": 2, "init_filters": 4, "use_group_normG": 4 } }""";
    private const string UNet3D = """{ "name": "UNet3D", "args": { "num_classes": 2, "in_channels": 1, "filters": "4,8,8,8" } }""";

    [Test]
    public void DynamicInputShapeWithAFixedShapeNetworkIsExplained()
    {
        var run = Check(SegResnet, "[96, 96, 96]", "[96, 96, 96]", dynamic: true);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("config_train.json: dynamic_input_shape: error: SegResnet has a fixed input shape")
            .And.Contain("roi_size equal to the training crop").And.Contain("dynamic-shape model"));
    }

    [Test]
    public void AFixedShapeNetworkNeedsRoiSizeEqualToTheCropAndAStaticGraphOnlyWarns()
    {
        var fixedShape = Check(SegResnet, "[96, 96, 96]", "[160, 160, 160]", dynamic: false);
        var staticGraph = Check(UNet3D, "[96, 96, 96]", "[160, 160, 160]", dynamic: false);

        Assert.That(fixedShape.Error, Does.Contain("validate.inferer.args.roi_size: error: roi_size [160, 160, 160] differs from the shape [96, 96, 96] SegResnet is built for (the training crop")
            .And.Contain("a fixed-shape network accepts only that shape"));
        Assert.That(staticGraph.Error, Does.Contain("validate.inferer.args.roi_size: warning: roi_size [160, 160, 160] differs from the training crop [96, 96, 96] while dynamic_input_shape is false")
            .And.Not.Contain("roi_size: error"));
    }

    [Test]
    public void ADynamicNetworkTakesAnyLegalRoi()
    {
        var run = Check(UNet3D, "[96, 96, 96]", "[160, 160, 160]", dynamic: true);

        Assert.That(run.Error, Does.Not.Contain("roi_size").And.Not.Contain("dynamic_input_shape"), run.ToString());
    }

    [Test]
    public void AnIllegalRoiIsReportedAtItsPathWithTheDivisor()
    {
        var run = Check(UNet3D, "[96, 96, 96]", "[160, 160, 100]", dynamic: true);

        Assert.That(run.Error, Does.Contain("validate.inferer.args.roi_size: error: roi_size [160, 160, 100] does not fit UNet3D")
            .And.Contain("axis 2").And.Contain("multiple of 8"));
    }

    [Test]
    public void AnIllegalCropIsReportedAtTheCropTransform()
    {
        var run = Check(SegResnet, "[96, 96, 90]", "[96, 96, 90]", dynamic: null);

        Assert.That(run.Error, Does.Contain("train.pre_transforms[0].args.size: error: the training crop [96, 96, 90] does not fit SegResnet")
            .And.Contain("multiple of 8"));
    }

    [Test]
    public void RoiOfTheWrongRankIsReported()
    {
        var run = Check(UNet3D, "[96, 96, 96]", "[96, 96]", dynamic: true);

        Assert.That(run.Error, Does.Contain("validate.inferer.args.roi_size: error: roi_size has 2 entries but UNet3D is 3-D"));
    }
}
