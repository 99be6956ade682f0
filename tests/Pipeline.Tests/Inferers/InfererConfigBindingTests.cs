using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Inferers;
using Pipeline.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>The inferers bound from Clara config JSON through the real registry and factory.</summary>
public sealed class InfererConfigBindingTests
{
    private static readonly Type[] Types = [typeof(ScanWindowInferer), typeof(SimpleInferer)];

    [TestCase("TFScanWindowInferer", """{"roi_size": [96, 96, 96], "batch_size": 1}""")]
    [TestCase("ScanWindowInferer", """{"roi_size": "96,96,96"}""")]
    public void ClaraScanWindowArgsBind(string name, string args)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Inferer, Types, name, args, "config_validation.json", "inferer");

        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        var inferer = (ScanWindowInferer)component!;
        Assert.That(inferer.RoiSize, Is.EqualTo(new[] { 96, 96, 96 }));
        Assert.That(inferer.BatchSize, Is.EqualTo(1));
        Assert.That(inferer.Overlap, Is.EqualTo(0.25));
        Assert.That(inferer.Mode, Is.EqualTo(BlendMode.Constant));
    }

    [Test]
    public void ExtensionArgsBind()
    {
        const string args = """
            {"roi_size": [64, 64, -1], "batch_size": 4, "overlap": 0.5, "mode": "gaussian", "sigma_scale": 0.25,
             "padding_mode": "replicate", "cval": 1.5, "precision": "bf16", "output": "foreground_probability"}
            """;
        var (component, problems) = ConfigBinding.Create(ComponentKind.Inferer, Types, "ScanWindowInferer", args, "config_validation.json", "inferer");

        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        var inferer = (ScanWindowInferer)component!;
        Assert.That(inferer.RoiSize, Is.EqualTo(new[] { 64, 64, -1 }));
        Assert.That(inferer.Mode, Is.EqualTo(BlendMode.Gaussian));
        Assert.That(inferer.PaddingMode, Is.EqualTo(PaddingModes.Replicate));
        Assert.That(inferer.Dtype, Is.EqualTo(ScalarType.BFloat16));
        Assert.That(inferer.ForegroundOnly, Is.True);
        Assert.That(inferer.StitchDevice, Is.Null);
    }

    [TestCase("TFSimpleInferer")]
    [TestCase("SimpleInferer")]
    public void SimpleInfererBindsWithoutArgs(string name)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Inferer, Types, name, "{}", "config_validation.json", "inferer");

        Assert.That(problems.Items, Is.Empty);
        Assert.That(component, Is.TypeOf<SimpleInferer>());
    }

    [TestCase("""{"roi_size": [96, 96, 96], "batch_size": 0}""", "batch_size", "at least 1")]
    [TestCase("""{"roi_size": [96, 96, 96], "overlap": 1.0}""", "overlap", "[0, 1)")]
    [TestCase("""{"roi_size": [96, 96, 96], "overlap": -0.1}""", "overlap", "[0, 1)")]
    [TestCase("""{"roi_size": [96, 96, 96], "mode": "linear"}""", "mode", "gaussian")]
    [TestCase("""{"roi_size": [96, 96, 96], "padding_mode": "circular"}""", "padding_mode", "replicate")]
    [TestCase("""{"roi_size": [96, 96, 96], "precision": "fp64"}""", "precision", "bf16")]
    [TestCase("""{"roi_size": [96, 96, 96], "output": "labels"}""", "output", "foreground_probability")]
    [TestCase("""{"roi_size": [96, 96, 96], "sigma_scale": 0}""", "sigma_scale", "> 0")]
    [TestCase("""{"roi_size": []}""", "roi_size", "one entry per spatial axis")]
    [TestCase("""{"roi_size": [96]}""", "roi_size", "one entry per spatial axis")]
    [TestCase("""{"roi_size": [96, 96, 96], "stitch_device": "gpu7"}""", "stitch_device", "cpu")]
    [TestCase("""{"roi_size": [96, 96, 96], "devices": []}""", "devices", "at least one")]
    [TestCase("""{"roi_size": [96, 96, 96], "devices": ["cpu", "tpu"]}""", "devices", "cuda:N")]
    [TestCase("""{"roi_size": [96, 96, 96], "devices": ["cuda:0", "cuda:1"]}""", "devices", "CUDA")]
    public void BadArgsAreReportedAtTheirPath(string args, string arg, string hint)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Inferer, Types, "ScanWindowInferer", args, "config_validation.json", "inferer");

        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain($"inferer.args.{arg}"), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain(hint));
    }
}
