using NUnit.Framework;
using Pipeline.Networks.Weights;

namespace Pipeline.Tests.Networks.Models;

/// <summary>ClaraUnet against a plain-PyTorch VoxelMorph U-Net core with the same weights (tools/fixtures/make_claraunet_fixture.py).</summary>
public sealed class ClaraUnetGoldenTests
{
    [TestCaseSource(typeof(ClaraUnetFixture), nameof(ClaraUnetFixture.Cases))]
    public void MatchesPyTorchWithTheSameWeights(string caseName)
    {
        var fixture = new ClaraUnetFixture(caseName);
        // Built outside any dispose scope: custom-module parameters created inside one are lost when it ends.
        using var model = fixture.BuildModel();
        var maxDiff = fixture.Files.MaxDeviation(model, () => fixture.Input, () => fixture.ExpectedOutput);
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1e-4f));
    }

    [Test]
    public void DefaultLayoutStateDictKeysMatchTheReference()
    {
        var fixture = new ClaraUnetFixture("groupnorm");
        using var model = fixture.BuildModel();
        using var weights = SafetensorsReader.Read(fixture.Files.WeightsPath);

        Assert.That(model.state_dict().Keys, Is.EquivalentTo(weights.Tensors.Keys));
        Assert.That(model.state_dict().Keys, Does.Contain("encoder.3.conv.weight").And.Contain("encoder.0.norm.bias")
            .And.Contain("decoder.2.conv.weight").And.Contain("extra.3.norm.weight").And.Contain("output.weight").And.Contain("output.bias")
            .And.Not.Contain("encoder.0.conv.bias"));
    }

    [Test]
    public void BatchNormCaseCarriesRunningStatisticsAndNoConvBias()
    {
        var fixture = new ClaraUnetFixture("batchnorm");
        using var model = fixture.BuildModel();
        Assert.That(model.state_dict().Keys, Does.Contain("decoder.1.norm.running_mean").And.Contain("extra.2.norm.running_var")
            .And.Contain("encoder.0.norm.num_batches_tracked").And.Not.Contain("extra.2.conv.bias"));
    }
}
