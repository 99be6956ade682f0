using NUnit.Framework;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>UNet3D against a plain-PyTorch 3D-UNet with the same weights (tools/fixtures/make_unet3d_fixture.py).</summary>
public sealed class UNet3DGoldenTests
{
    [Test]
    public void MatchesPyTorchWithTheSameWeights()
    {
        // Built outside any dispose scope: custom-module parameters created inside one are lost when it ends.
        using var model = UNet3DFixture.BuildModel();
        var maxDiff = UNet3DFixture.Files.MaxDeviation(model, () => UNet3DFixture.Input, () => UNet3DFixture.ExpectedOutput);
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1e-4f));
    }

    [Test]
    public void StateDictKeysAreTheReferencesExactly()
    {
        using var model = UNet3DFixture.BuildModel();
        using var weights = SafetensorsReader.Read(UNet3DFixture.WeightsPath);

        Assert.That(model.state_dict().Keys, Is.EquivalentTo(weights.Tensors.Keys));
        Assert.That(model.state_dict().Keys, Does.Contain("input_block.conv1.conv.weight").And.Contain("input_block.conv1.norm.weight")
            .And.Contain("downsample.0.conv1.conv.weight").And.Contain("downsample.3.conv2.norm.bias")
            .And.Contain("upsample.0.transp_conv.weight").And.Contain("upsample.0.transp_conv.bias")
            .And.Contain("upsample.3.conv_block.conv2.norm.bias").And.Contain("output_block.conv.bias")
            .And.Not.Contain("input_block.conv1.conv.bias"));
    }
}
