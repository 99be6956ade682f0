using NUnit.Framework;
using Pipeline.Networks.Weights;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>StateDictLoader refuses weight sets that do not fit, naming every offending key.</summary>
public sealed class SegResnetWeightLoadingTests
{
    [Test]
    public void MissingUnexpectedAndMisshapenKeysAreAllListed()
    {
        using var model = SegResnetFixture.BuildModel();
        using var file = SafetensorsReader.Read(SegResnetFixture.WeightsPath);
        using var scope = NewDisposeScope();
        var weights = new Dictionary<string, Tensor>(file.Tensors);
        weights.Remove("down_layers.1.1.conv1.conv.weight");
        weights["up_samples.0.0.conv.weight"] = zeros(new long[] { 3, 3, 1, 1, 1 });
        weights["decoder.extra"] = zeros(1);

        var error = Assert.Throws<WeightMismatchException>(() => StateDictLoader.Load(model, weights))!;

        Assert.That(error.Missing, Is.EqualTo(new[] { "down_layers.1.1.conv1.conv.weight" }));
        Assert.That(error.Unexpected, Is.EqualTo(new[] { "decoder.extra" }));
        Assert.That(error.Mismatched, Has.Count.EqualTo(1));
        Assert.That(error.Mismatched[0], Does.StartWith("up_samples.0.0.conv.weight").And.Contain("[3, 3, 1, 1, 1]"));
        Assert.That(error.Message, Does.Contain("down_layers.1.1.conv1.conv.weight").And.Contain("decoder.extra")
            .And.Contain("up_samples.0.0.conv.weight"));
    }

    [Test]
    public void ARejectedLoadChangesNothing()
    {
        using var model = SegResnetFixture.BuildModel();
        using var file = SafetensorsReader.Read(SegResnetFixture.WeightsPath);
        using var scope = NewDisposeScope();
        var before = model.state_dict()["convInit.conv.weight"].clone();
        var weights = new Dictionary<string, Tensor>(file.Tensors);
        weights.Remove("conv_final.2.conv.bias");

        Assert.Throws<WeightMismatchException>(() => StateDictLoader.Load(model, weights));
        Assert.That(model.state_dict()["convInit.conv.weight"].allclose(before, rtol: 0, atol: 0), Is.True);
    }
}
