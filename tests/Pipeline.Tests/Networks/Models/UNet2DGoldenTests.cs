using NUnit.Framework;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>UNet2D against a plain-PyTorch U-Net with the same weights (tools/fixtures/make_unet2d_fixture.py), in both padding modes.</summary>
public sealed class UNet2DGoldenTests
{
    [TestCase("same")]
    [TestCase("valid")]
    public void MatchesPyTorchWithTheSameWeights(string padding)
    {
        // Built outside any dispose scope: custom-module parameters created inside one are lost when it ends.
        using var model = UNet2DFixture.BuildModel(padding);
        var maxDiff = UNet2DFixture.Files.MaxDeviation(model, () => UNet2DFixture.Input(padding), () => UNet2DFixture.ExpectedOutput(padding));
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1e-4f));
    }

    [Test]
    public void StateDictKeysAreTheReferencesExactly()
    {
        using var model = UNet2DFixture.BuildModel("same");
        using var weights = SafetensorsReader.Read(UNet2DFixture.WeightsPath);

        Assert.That(model.state_dict().Keys, Is.EquivalentTo(weights.Tensors.Keys));
        Assert.That(model.state_dict().Keys, Does.Contain("down.0.conv1.weight").And.Contain("down.2.conv2.bias")
            .And.Contain("up.0.upconv.weight").And.Contain("up.1.conv.conv1.weight").And.Contain("final.bias"));
    }

    [Test]
    public void MisshapenWeightsAreRefused()
    {
        using var model = UNet2DFixture.BuildModel("valid");
        using var file = SafetensorsReader.Read(UNet2DFixture.WeightsPath);
        using var scope = NewDisposeScope();
        var weights = new Dictionary<string, Tensor>(file.Tensors);
        weights.Remove("up.1.upconv.bias");
        weights["final.weight"] = zeros(new long[] { 3, 5, 1, 1 });

        var error = Assert.Throws<WeightMismatchException>(() => StateDictLoader.Load(model, weights))!;
        Assert.That(error.Missing, Is.EqualTo(new[] { "up.1.upconv.bias" }));
        Assert.That(error.Mismatched, Has.Count.EqualTo(1));
        Assert.That(error.Mismatched[0], Does.StartWith("final.weight"));
    }
}
