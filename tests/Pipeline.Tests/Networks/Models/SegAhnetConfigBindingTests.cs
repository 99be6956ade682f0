using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegAhnet bound from Clara config JSON through the real registry and factory.</summary>
public sealed class SegAhnetConfigBindingTests
{
    private static readonly Type[] Types = [typeof(SegAhnet)];

    [Test]
    public void ClaraSpleenArgsBind()
    {
        const string args = """
            {"num_classes": 2, "if_use_psp": false, "plane": "z", "final_activation": "softmax", "n_spatial_dim": 3,
             "data_format": "channels_first", "dtype": "float32", "layers": "1,1,1,1"}
            """;
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SegAhnet", args, "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (SegAhnet)component!;
        Assert.That(model.NumClasses, Is.EqualTo(2));
        Assert.That(model.Layers, Is.EqualTo(new[] { 1, 1, 1, 1 }));
        Assert.That(model.AnisotropicAxis, Is.EqualTo(2));
        Assert.That(model.UsesPsp, Is.False);
        Assert.That(model.state_dict().Keys, Does.Contain("layer4.0.downsample.2.weight").And.Contain("dense4.denselayer3.conv4.weight"));
    }

    [Test]
    public void ClaraStringsBindForBooleansAndNumbers()
    {
        const string args = """{"num_classes": "3", "if_use_psp": "true", "plane": "x", "n_spatial_dim": "3", "layers": "[1, 1, 1, 1]"}""";
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SegAhnet", args, "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (SegAhnet)component!;
        Assert.That(model.UsesPsp, Is.True);
        Assert.That(model.InputContract.Divisors, Is.EqualTo(new[] { 32, 128, 128 }));
    }

    [TestCase("""{"num_classes": 2, "pretrain_weight_url": "https://example.org/w.h5"}""", "model.args.pretrain_weight_url", "not supported")]
    [TestCase("""{"num_classes": 2, "data_format": "channels_last"}""", "model.args.data_format", "channels_first")]
    [TestCase("""{"num_classes": 2, "plane": "q"}""", "model.args.plane", "z, x, y")]
    [TestCase("""{"num_classes": 2, "pretrain_weight_name": "/nonexistent/resnet50.safetensors"}""", "model.args.pretrain_weight_name", "/nonexistent/resnet50.safetensors")]
    [TestCase("""{"num_classes": 2, "use_vae": false}""", "model.args.use_vae", "no arg")]
    public void BadArgsAreReportedAtTheirPath(string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SegAhnet", args, "config_train.json", "model");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain(message));
    }
}
