using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SwinUNETR bound from config JSON through the real registry and factory.</summary>
public sealed class SwinUNETRConfigBindingTests
{
    private static readonly Type[] Types = [typeof(SwinUNETR)];

    [Test]
    public void ClaraStyleArgsBind()
    {
        const string args = """
            {"in_channels": 1, "out_channels": 14, "feature_size": 12, "depths": "2,2,2,2", "num_heads": "3,6,12,24",
             "window_size": 7, "img_size": "96,96,96", "dropout_path_rate": 0.1, "patch_merging_order": "legacy",
             "final_activation": "sigmoid"}
            """;
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SwinUNETR", args, "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (SwinUNETR)component!;
        Assert.That((model.InChannels, model.OutChannels, model.FeatureSize), Is.EqualTo((1, 14, 12)));
        Assert.That(model.MergingOrder, Is.EqualTo(SwinPatchMergingOrder.Legacy));
        Assert.That(model.state_dict()["swinViT.layers2.0.blocks.1.attn.qkv.weight"].shape, Is.EqualTo(new long[] { 72, 24 }));
        Assert.That(model.state_dict()["out.conv.conv.weight"].shape, Is.EqualTo(new long[] { 14, 12, 1, 1, 1 }));
    }

    [Test]
    public void OnlyOutChannelsIsRequiredAndTheDefaultIsTheBtcvWidth()
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SwinUNETR", """{"out_channels": 2}""", "config_train.json", "model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (SwinUNETR)component!;
        Assert.That((model.InChannels, model.FeatureSize, model.MergingOrder), Is.EqualTo((1, 48, SwinPatchMergingOrder.Monai15)));
    }

    [TestCase("""{"out_channels": 2, "feature_size": 16}""", "model.args.feature_size", "multiple of 12")]
    [TestCase("""{"out_channels": 2, "num_heads": "3,6,12,7"}""", "model.args.num_heads[3]", "do not divide")]
    [TestCase("""{"out_channels": 2, "patch_size": 4}""", "model.args.patch_size", "only 2")]
    [TestCase("""{"out_channels": 2, "img_size": "96,96,100"}""", "model.args.img_size[2]", "patch_size^5 = 32")]
    [TestCase("""{"out_channels": 2, "use_v2": true, "patch_merging_order": "monai14"}""", "model.args.patch_merging_order", "legacy")]
    public void BadArgsAreReportedAtTheirPath(string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "SwinUNETR", args, "config_train.json", "model");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain(message));
    }
}
