using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>UNet3D's initial state, output contract, input-size rules and arg validation.</summary>
public sealed class UNet3DConstructionTests
{
    [Test]
    public void InstanceNormStartsAtOneAndZeroAndNoParameterIsNaN()
    {
        using var model = new UNet3D(numClasses: 3, inChannels: 2, filters: [4, 6, 8, 8]);
        var norms = model.modules().OfType<InstanceNorm3d>().ToList();
        // Two conv layers in the input block, each of three down blocks and each of three up blocks.
        Assert.That(norms, Has.Count.EqualTo(2 * (1 + 3 + 3)));
        foreach (var norm in norms)
        {
            Assert.That(norm.weight!.data<float>().ToArray(), Is.All.EqualTo(1f));
            Assert.That(norm.bias!.data<float>().ToArray(), Is.All.EqualTo(0f));
        }
        foreach (var (name, p) in model.named_parameters())
            Assert.That(p.isnan().any().item<bool>(), Is.False, name);
    }

    [Test]
    public void OutputIsASoftmaxOfTheInputsSizeWithNumClassesChannels()
    {
        using var model = new UNet3D(numClasses: 3, inChannels: 2, filters: [2, 3, 4]);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = model.call(randn(new long[] { 2, 2, 8, 16, 4 }, generator: new Generator(1)));

        Assert.That(output.shape, Is.EqualTo(new long[] { 2, 3, 8, 16, 4 }));
        Assert.That(output.isnan().any().item<bool>(), Is.False);
        Assert.That((output.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void DivisorIsTwoToTheLevelsMinusOne()
    {
        Assert.That(UNet3D.Divisor([32, 64, 128, 256, 320, 320]), Is.EqualTo(32));
        Assert.That(UNet3D.Divisor([8, 16]), Is.EqualTo(2));
    }

    [Test]
    public void SpatialSizeNotAMultipleOfTheDivisorIsRejectedClearly()
    {
        using var model = new UNet3D(numClasses: 2, inChannels: 1, filters: [2, 2, 2, 2]);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 16, 12, 16 })))!;
        Assert.That(error.Message, Does.Contain("12").And.Contain("multiple of 8").And.Contain("2^(4-1)"));
    }

    [Test]
    public void SingleVoxelBottleneckIsRejected()
    {
        using var model = new UNet3D(numClasses: 2, inChannels: 1, filters: [2, 2, 2, 2]);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 8, 8, 8 })))!;
        Assert.That(error.Message, Does.Contain("1×1×1 bottleneck").And.Contain("16"));
    }

    [Test]
    public void WrongRankOrChannelCountIsRejected()
    {
        using var model = new UNet3D(numClasses: 2, inChannels: 2, filters: [2, 2]);
        using var scope = NewDisposeScope();
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 2, 4, 4, 4 })))!.Message, Does.Contain("5-D"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 4, 4, 4 })))!.Message, Does.Contain("in_channels 2"));
    }

    [Test]
    public void BadArgsNameTheirArg()
    {
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet3D(normalization: "groupnorm"))!.Arg, Is.EqualTo("normalization"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet3D(filters: [32]))!.Arg, Is.EqualTo("filters"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet3D(filters: [32, -1]))!.Arg, Is.EqualTo("filters[1]"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet3D(negativeSlope: double.NaN))!.Arg, Is.EqualTo("negative_slope"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet3D(numClasses: 0))!.Arg, Is.EqualTo("num_classes"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new UNet3D(inChannels: 0))!.Arg, Is.EqualTo("in_channels"));
    }
}
