using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegAhnet's initial state, input contract, input-size checks, precision and arg validation.</summary>
public sealed class SegAhnetConstructionTests
{
    private static readonly int[] Small = [1, 1, 1, 1];

    [Test]
    public void ContractWithoutPspIsAMultipleOf32OnEveryAxis()
    {
        using var model = new SegAhnet(numClasses: 2, layers: Small);
        var contract = model.InputContract;
        Assert.That(contract.SpatialDims, Is.EqualTo(3));
        Assert.That(contract.Divisors, Is.EqualTo(new[] { 32, 32, 32 }));
        Assert.That(contract.SupportsDynamicShape, Is.True);
        Assert.That(contract.ExplainSize([96, 96, 96]), Is.Null);
        Assert.That(contract.ExplainSize([96, 96, 80]), Does.Contain("axis 2").And.Contain("multiple of 32"));
    }

    [TestCase("z", new[] { 128, 128, 32 })]
    [TestCase("x", new[] { 32, 128, 128 })]
    [TestCase("y", new[] { 128, 32, 128 })]
    public void PspInTransposeModeNeeds128InPlaneWhereverThePlaneIs(string plane, int[] divisors)
    {
        using var model = new SegAhnet(numClasses: 2, ifUsePsp: true, plane: plane, layers: Small);
        Assert.That(model.InputContract.Divisors, Is.EqualTo(divisors));
        Assert.That(model.InputContract.MinimumSize, Is.EqualTo(divisors));
    }

    [Test]
    public void PspInInterpolationModesNeedsAMinimumOf128InPlaneButOnly32AsDivisor()
    {
        using var model = new SegAhnet(numClasses: 2, ifUsePsp: true, plane: "x", upsampleMode: "trilinear", layers: Small);
        var contract = model.InputContract;
        Assert.That(contract.Divisors, Is.EqualTo(new[] { 32, 32, 32 }));
        Assert.That(contract.MinimumSize, Is.EqualTo(new[] { 32, 128, 128 }));
        Assert.That(contract.ExplainSize([32, 160, 128]), Is.Null);
        Assert.That(contract.ExplainSize([32, 96, 128]), Does.Contain("at least 128"));
    }

    [Test]
    public void TwoDimensionalContractKeepsThePlaneAxisAt32()
    {
        using var model = new SegAhnet(numClasses: 2, nSpatialDim: 2, ifUsePsp: true, layers: Small);
        Assert.That(model.InputContract.SpatialDims, Is.EqualTo(2));
        Assert.That(model.InputContract.Divisors, Is.EqualTo(new[] { 128, 32 }));
    }

    [Test]
    public void IllegalInputSizeIsRejectedClearly()
    {
        using var model = new SegAhnet(numClasses: 2, layers: Small);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 32, 48, 32 })))!;
        Assert.That(error.Message, Does.Contain("SegAhnet").And.Contain("48").And.Contain("multiple of 32"));
        var channels = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 2, 32, 32, 32 })))!;
        Assert.That(channels.Message, Does.Contain("in_channels 1"));
    }

    [TestCase("softmax", "x")]
    [TestCase("sigmoid", "y")]
    [TestCase("linear", "z")]
    public void OutputHasTheInputSizeAndNumClassesChannels(string activation, string plane)
    {
        using var model = new SegAhnet(numClasses: 3, inChannels: 2, finalActivation: activation, plane: plane, layers: Small);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = model.call(randn(new long[] { 1, 2, 32, 64, 32 }, generator: new Generator(1)));

        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 3, 32, 64, 32 }));
        if (activation == "softmax")
            Assert.That((output.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-5f));
        if (activation == "sigmoid")
            Assert.That(output.min().item<float>() >= 0 && output.max().item<float>() <= 1, Is.True);
        if (activation == "linear")
            Assert.That(output.min().item<float>(), Is.LessThan(0f));
    }

    [Test]
    public void InitialisationIsMonaisAndReproducibleFromTheSeed()
    {
        torch.random.manual_seed(7);
        using var a = new SegAhnet(numClasses: 2, layers: Small);
        torch.random.manual_seed(7);
        using var b = new SegAhnet(numClasses: 2, layers: Small);
        var sa = a.state_dict();
        var sb = b.state_dict();
        foreach (var (name, t) in sa)
            Assert.That(t.equal(sb[name]).all().item<bool>(), Is.True, name);

        // N(0, sqrt(2 / (k0·k1·out))): layer3.0.conv2 is 256×256×3×3×1, so n = 3·3·256.
        var w = sa["layer3.0.conv2.weight"];
        Assert.That(w.std().item<float>(), Is.EqualTo(Math.Sqrt(2.0 / (3 * 3 * 256))).Within(3).Percent);
        Assert.That(w.mean().abs().item<float>(), Is.LessThan(1e-3f));
        Assert.That(sa["layer3.0.bn2.weight"].data<float>().ToArray(), Is.All.EqualTo(1f));
        Assert.That(sa["final.norm.bias"].data<float>().ToArray(), Is.All.EqualTo(0f));

        torch.random.manual_seed(8);
        using var c = new SegAhnet(numClasses: 2, layers: Small);
        Assert.That(c.state_dict()["conv1.weight"].equal(sa["conv1.weight"]).all().item<bool>(), Is.False);
    }

    [Test]
    public void BFloat16ForwardIsCloseToFloat32()
    {
        // The fixture's formula weights keep every activation moderate; a random init in eval mode (running stats 0/1)
        // lets the dense concatenations grow until softmax saturates and any rounding flips a voxel.
        using var model = new SegAhnet(numClasses: 2, ifUsePsp: true, nSpatialDim: 2, layers: Small);
        using (var weights = NewDisposeScope())
            Pipeline.Networks.Weights.StateDictLoader.Load(model, SegAhnetFixture.FormulaWeights(model));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = randn(new long[] { 1, 1, 128, 32 }, generator: new Generator(2));
        var full = model.call(x);
        model.to(ScalarType.BFloat16);
        var half = model.call(x.to(ScalarType.BFloat16));

        Assert.That(half.dtype, Is.EqualTo(ScalarType.BFloat16));
        Assert.That(full.std().item<float>(), Is.GreaterThan(0.05f));
        Assert.That(half.isnan().any().item<bool>(), Is.False);
        Assert.That((half.to(ScalarType.Float32) - full).abs().max().item<float>(), Is.LessThan(0.1f));
    }

    [Test]
    public void BadArgsNameTheirArg()
    {
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(0))!.Arg, Is.EqualTo("num_classes"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, inChannels: 0))!.Arg, Is.EqualTo("in_channels"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, plane: "w"))!.Arg, Is.EqualTo("plane"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, finalActivation: "tanh"))!.Arg, Is.EqualTo("final_activation"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, nSpatialDim: 1))!.Arg, Is.EqualTo("n_spatial_dim"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, upsampleMode: "pixelshuffle"))!.Arg, Is.EqualTo("upsample_mode"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, layers: [3, 4, 6]))!.Arg, Is.EqualTo("layers"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, layers: [3, 0, 6, 3]))!.Arg, Is.EqualTo("layers[1]"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, dataFormat: "channels_last"))!.Arg, Is.EqualTo("data_format"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(2, dtype: "float16"))!.Arg, Is.EqualTo("dtype"));
        var url = Assert.Throws<ConfigArgException>(() => new SegAhnet(2, pretrainWeightUrl: "https://example.org/resnet50.h5"))!;
        Assert.That(url.Arg, Is.EqualTo("pretrain_weight_url"));
        Assert.That(url.Message, Does.Contain("not supported").And.Contain("pretrain_weight_name"));
    }

    [Test]
    public void InputContractRoundTripsThroughJson()
    {
        using var model = new SegAhnet(numClasses: 2, ifUsePsp: true, plane: "y", layers: Small);
        Assert.That(InputContract.FromJson(model.InputContract.ToJson()), Is.EqualTo(model.InputContract));
    }
}
