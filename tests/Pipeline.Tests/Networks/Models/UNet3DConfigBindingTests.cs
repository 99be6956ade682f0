using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Networks.Models;

/// <summary>UNet3D bound from Clara config JSON through the real registry and factory.</summary>
public sealed class UNet3DConfigBindingTests
{
    private static readonly Type[] Types = [typeof(UNet3D)];

    [Test]
    public void ClaraBratsArgsBind()
    {
        const string args = """
            {"num_classes": 4, "in_channels": 4, "filters": "32,64,128,256,320,320", "normalization": "instancenorm",
             "negative_slope": 0.01}
            """;
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "UNet3D", args, "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (UNet3D)component!;
        Assert.That(model.NumClasses, Is.EqualTo(4));
        Assert.That(model.Filters, Is.EqualTo(new[] { 32, 64, 128, 256, 320, 320 }));
        Assert.That(model.state_dict()["upsample.0.conv_block.conv1.conv.weight"].shape, Is.EqualTo(new long[] { 320, 640, 3, 3, 3 }));
        Assert.That(model.state_dict()["upsample.4.transp_conv.weight"].shape, Is.EqualTo(new long[] { 64, 32, 2, 2, 2 }));
    }

    [Test]
    public void EmptyArgsGiveTheBratsDefaults()
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "UNet3D", "{}", "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (UNet3D)component!;
        Assert.That((model.NumClasses, model.InChannels, UNet3D.Divisor(model.Filters)), Is.EqualTo((4, 4, 32)));
    }

    [TestCase("""{"normalization": "batchnorm"}""", "model.args.normalization", "instancenorm")]
    [TestCase("""{"filters": "32,0,64"}""", "model.args.filters[1]", "at least 1")]
    [TestCase("""{"negative_slope": -0.1}""", "model.args.negative_slope", "≥ 0")]
    public void BadArgsAreReportedAtTheirPath(string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "UNet3D", args, "config_train.json", "model");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain(message));
    }
}
