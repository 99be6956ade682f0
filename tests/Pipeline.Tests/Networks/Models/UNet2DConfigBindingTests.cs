using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Networks.Models;

/// <summary>UNet2D bound from Clara config JSON through the real registry and factory.</summary>
public sealed class UNet2DConfigBindingTests
{
    private static readonly Type[] Types = [typeof(UNet2D)];

    [Test]
    public void PaperArgsBind()
    {
        const string args = """{"num_classes": 2, "in_channels": 1, "features": "64,128,256,512,1024", "padding": "valid"}""";
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "UNet2D", args, "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (UNet2D)component!;
        Assert.That(model.Features, Is.EqualTo(new[] { 64, 128, 256, 512, 1024 }));
        Assert.That(model.Padding, Is.EqualTo("valid"));
        Assert.That(model.state_dict()["up.0.upconv.weight"].shape, Is.EqualTo(new long[] { 1024, 512, 2, 2 }));
    }

    [Test]
    public void EmptyArgsGiveThePaperDefaults()
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "UNet2D", "{}", "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (UNet2D)component!;
        Assert.That((model.NumClasses, model.InChannels, model.Padding), Is.EqualTo((2, 1, "same")));
        Assert.That(model.Features, Is.EqualTo(new[] { 64, 128, 256, 512, 1024 }));
    }

    [TestCase("""{"padding": "reflect"}""", "model.args.padding", "same, valid")]
    [TestCase("""{"features": "8"}""", "model.args.features", "2 to 16 levels")]
    public void BadArgsAreReportedAtTheirPath(string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "UNet2D", args, "config_train.json", "model");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain(message));
    }
}
