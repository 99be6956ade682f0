using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegResnet bound from Clara config JSON through the real registry and factory.</summary>
public sealed class SegResnetConfigBindingTests
{
    private static readonly Type[] Types = [typeof(SegResnet)];

    [Test]
    public void ClaraBratsArgsBind()
    {
        const string args = """
            {"num_classes": 3, "blocks_down": "1,2,2,4", "blocks_up": "1,1,1", "init_filters": 8, "use_group_norm": true,
             "use_group_normG": 8, "dropout_prob": 0.2, "final_activation": "softmax"}
            """;
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SegResnet", args, "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (SegResnet)component!;
        Assert.That(model.NumClasses, Is.EqualTo(3));
        Assert.That(model.BlocksDown, Is.EqualTo(new[] { 1, 2, 2, 4 }));
        Assert.That(model.state_dict().Keys, Does.Contain("down_layers.3.4.conv2.conv.weight"));
    }

    [TestCase("""{"num_classes": 3, "use_vae": true}""", "model.args.use_vae")]
    [TestCase("""{"num_classes": 3, "init_filters": 8, "use_group_normG": 3}""", "model.args.use_group_normG")]
    public void BadArgsAreReportedAtTheirPath(string args, string path)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SegResnet", args, "config_train.json", "model");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain(path.EndsWith("use_vae") ? "not supported" : "divisible"));
    }
}
