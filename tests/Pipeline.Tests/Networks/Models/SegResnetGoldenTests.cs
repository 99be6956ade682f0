using NUnit.Framework;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegResnet against a plain-PyTorch MONAI SegResNet with the same weights (tools/fixtures/make_segresnet_fixture.py).</summary>
public sealed class SegResnetGoldenTests
{
    [Test]
    public void MatchesPyTorchWithTheSameWeights()
    {
        // Built outside any dispose scope: custom-module parameters created inside one are lost when it ends.
        using var model = SegResnetFixture.BuildModel();
        var maxDiff = SegResnetFixture.Files.MaxDeviation(model, () => SegResnetFixture.Input, () => SegResnetFixture.ExpectedOutput);
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1e-4f));
    }

    [Test]
    public void StateDictKeysAreMonaisExactly()
    {
        using var model = SegResnetFixture.BuildModel();
        using var weights = SafetensorsReader.Read(SegResnetFixture.WeightsPath);

        Assert.That(model.state_dict().Keys, Is.EquivalentTo(weights.Tensors.Keys));
        Assert.That(model.state_dict().Keys, Does.Contain("convInit.conv.weight").And.Contain("down_layers.1.0.conv.weight")
            .And.Contain("down_layers.1.2.norm2.bias").And.Contain("up_samples.0.0.conv.weight")
            .And.Contain("up_layers.2.0.conv1.conv.weight").And.Contain("conv_final.0.weight").And.Contain("conv_final.2.conv.bias"));
    }
}
