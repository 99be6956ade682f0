using NUnit.Framework;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SwinUNETR against a plain-PyTorch MONAI 1.5 SwinUNETR with the same weights (tools/fixtures/make_swinunetr_fixture.py).</summary>
public sealed class SwinUNETRGoldenTests
{
    [TestCase("monai15")]
    [TestCase("legacy")]
    [TestCase("v2")]
    public void MatchesPyTorchWithTheSameWeights(string variant)
    {
        // Built outside any dispose scope: custom-module parameters created inside one are lost when it ends.
        using var model = SwinUNETRFixture.BuildModel(variant);
        StateDictLoader.Load(model, SwinUNETRFixture.Weights(variant, model));
        model.eval();
        // float32, the precision users run: the full-resolution decoder conv has 24 input channels, a count libtorch's CPU
        // kernels get wrong unless ConvolutionLayer splits it.
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var expected = SwinUNETRFixture.ExpectedOutput(variant);
        var actual = model.call(SwinUNETRFixture.Input);
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        Assert.That((actual - expected).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-4f));
    }

    [Test]
    public void TheMergingOrderMattersForTheSameWeights()
    {
        // Guards the legacy fixture: if both orders gave the same output, the legacy golden test would prove nothing.
        using var scope = NewDisposeScope();
        var diff = (SwinUNETRFixture.ExpectedOutput("monai15") - SwinUNETRFixture.ExpectedOutput("legacy")).abs().max().item<float>();
        Assert.That(diff, Is.GreaterThan(1e-2f));
    }

    [TestCase("monai15")]
    [TestCase("v2")]
    public void StateDictKeysShapesAndDtypesAreMonais(string variant)
    {
        using var model = SwinUNETRFixture.BuildModel(variant);
        var expected = SwinUNETRFixture.Variant(variant)["keys"]!.AsObject();
        var state = model.state_dict();

        Assert.That(state.Keys, Is.EquivalentTo(expected.Select(p => p.Key)));
        foreach (var (name, node) in expected)
        {
            var entry = node!.AsObject();
            Assert.That(state[name].shape, Is.EqualTo(entry["shape"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray()), name);
            var dtype = entry["dtype"]!.GetValue<string>();
            Assert.That(state[name].dtype, Is.EqualTo(dtype == "int64" ? ScalarType.Int64 : ScalarType.Float32), name);
            if (dtype == "int64")
                Assert.That(SwinUNETRFixture.IndexChecksum(state[name]), Is.EqualTo(entry["checksum"]!.GetValue<long>()), name);
        }
        Assert.That(state.Keys, Does.Contain("swinViT.patch_embed.proj.weight")
            .And.Contain("swinViT.layers1.0.blocks.0.attn.qkv.weight")
            .And.Contain("swinViT.layers1.0.blocks.1.attn.relative_position_bias_table")
            .And.Contain("swinViT.layers4.0.blocks.1.attn.relative_position_index")
            .And.Contain("swinViT.layers1.0.downsample.reduction.weight")
            .And.Contain("encoder1.layer.conv1.conv.weight")
            .And.Contain("encoder1.layer.conv3.conv.weight")
            .And.Contain("decoder5.transp_conv.conv.weight")
            .And.Contain("out.conv.conv.weight"));
    }
}
