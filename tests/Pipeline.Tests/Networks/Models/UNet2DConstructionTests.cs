using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>UNet2D's initial state, output contract, input-size rules for both paddings, and arg validation.</summary>
public sealed class UNet2DConstructionTests
{
    [Test]
    public void BatchNormIsOptionalInitialisedAndNamedAndNoParameterIsNaN()
    {
        using var plain = new UNet2D(features: [4, 8, 16]);
        Assert.That(plain.modules().OfType<BatchNorm>(), Is.Empty);

        using var model = new UNet2D(features: [4, 8, 16], useBatchNorm: true);
        var norms = model.modules().OfType<BatchNorm>().ToList();
        Assert.That(norms, Has.Count.EqualTo(2 * (3 + 2)));
        foreach (var bn in norms)
        {
            Assert.That(bn.weight!.data<float>().ToArray(), Is.All.EqualTo(1f));
            Assert.That(bn.bias!.data<float>().ToArray(), Is.All.EqualTo(0f));
        }
        Assert.That(model.state_dict().Keys, Does.Contain("down.1.bn2.running_var").And.Contain("up.0.conv.bn1.weight"));
        foreach (var (name, p) in model.named_parameters())
            Assert.That(p.isnan().any().item<bool>(), Is.False, name);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SameModeKeepsTheSizeAndSumsToOne(bool useBatchNorm)
    {
        using var model = new UNet2D(numClasses: 3, inChannels: 2, features: [4, 8, 16, 32], useBatchNorm: useBatchNorm);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = model.call(randn(new long[] { 2, 2, 16, 24 }, generator: new Generator(1)));

        Assert.That(output.shape, Is.EqualTo(new long[] { 2, 3, 16, 24 }));
        Assert.That((output.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void ValidModeShrinksAsThePaper()
    {
        Assert.That(UNet2D.TryGetValidOutputSize(572, 5, out var size), Is.True);
        Assert.That(size, Is.EqualTo(388));
        Assert.That(UNet2D.TryGetValidOutputSize(52, 3, out size), Is.True);
        Assert.That(size, Is.EqualTo(12));
        Assert.That(UNet2D.TryGetValidOutputSize(7, 1, out size), Is.True);
        Assert.That(size, Is.EqualTo(3));
    }

    [TestCase(570, 5)] // 566 → 283 is odd before the second pool
    [TestCase(573, 5)] // 569 is odd before the first pool
    [TestCase(124, 5)] // the bottleneck convs would leave no pixel
    [TestCase(4, 1)]
    public void IllegalValidSizesAreReported(int input, int levels)
    {
        Assert.That(UNet2D.TryGetValidOutputSize(input, levels, out var size), Is.False);
        Assert.That(size, Is.Zero);
    }

    [Test]
    public void ValidModeForwardGivesThePredictedSize()
    {
        // Tiny channels but the paper's five levels and 572 input, so the 572 → 388 rule is checked on a real forward pass.
        using var model = new UNet2D(features: [1, 1, 1, 1, 1], padding: "valid");
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        Assert.That(model.call(randn(new long[] { 1, 1, 572, 188 })).shape, Is.EqualTo(new long[] { 1, 2, 388, 4 }));
    }

    [Test]
    public void SameModeSizeNotAMultipleOfTheDivisorIsRejectedClearly()
    {
        using var model = new UNet2D(features: [2, 2, 2, 2, 2]);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 32, 24 })))!;
        Assert.That(error.Message, Does.Contain("24").And.Contain("multiple of 16").And.Contain("2^(5-1)"));
    }

    [Test]
    public void ValidModeIllegalSizeIsRejectedWithItsNeighbours()
    {
        using var model = new UNet2D(features: [2, 2, 2, 2, 2], padding: "valid");
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 572, 570 })))!;
        Assert.That(error.Message, Does.Contain("570").And.Contain("valid").And.Contain("556").And.Contain("572"));
    }

    [Test]
    public void WrongRankOrChannelCountIsRejected()
    {
        using var model = new UNet2D(inChannels: 2, features: [2, 2]);
        using var scope = NewDisposeScope();
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 8, 8 })))!.Message, Does.Contain("in_channels 2"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 2, 8, 8, 8 })))!.Message, Does.Contain("4-D"));
    }

    [Test]
    public void BadArgsNameTheirArg()
    {
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet2D(numClasses: 0))!.Arg, Is.EqualTo("num_classes"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet2D(inChannels: 0))!.Arg, Is.EqualTo("in_channels"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet2D(features: [4]))!.Arg, Is.EqualTo("features"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet2D(features: [4, 0, 8]))!.Arg, Is.EqualTo("features[1]"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet2D(padding: "SAME"))!.Arg, Is.EqualTo("padding"));
    }
}
