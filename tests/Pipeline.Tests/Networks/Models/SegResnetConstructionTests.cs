using Pipeline.Networks.Layers;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegResnet's initial state, output contract, input-size rule and arg validation.</summary>
public sealed class SegResnetConstructionTests
{
    [Test]
    public void GroupNormStartsAtOneAndZeroAndNoParameterIsNaN()
    {
        using var model = new SegResnet(numClasses: 3, inChannels: 2, initFilters: 8, groupNormGroups: 8);
        var groupNorms = model.modules().OfType<GroupNormLayer>().ToList();
        Assert.That(groupNorms, Has.Count.EqualTo(2 * (1 + 2 + 2 + 4 + 1 + 1 + 1) + 1));
        foreach (var gn in groupNorms)
        {
            Assert.That(gn.get_parameter("weight")!.data<float>().ToArray(), Is.All.EqualTo(1f));
            Assert.That(gn.get_parameter("bias")!.data<float>().ToArray(), Is.All.EqualTo(0f));
        }
        foreach (var (name, p) in model.named_parameters())
            Assert.That(p.isnan().any().item<bool>(), Is.False, name);
    }

    [TestCase("softmax")]
    [TestCase("sigmoid")]
    [TestCase("linear")]
    public void OutputHasTheInputSizeAndNumClassesChannels(string activation)
    {
        using var model = new SegResnet(numClasses: 3, inChannels: 2, initFilters: 4, groupNormGroups: 2, finalActivation: activation);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = model.call(randn(new long[] { 2, 2, 16, 16, 8 }, generator: new Generator(1)));

        Assert.That(output.shape, Is.EqualTo(new long[] { 2, 3, 16, 16, 8 }));
        if (activation == "softmax")
            Assert.That((output.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-5f));
        if (activation == "sigmoid")
            Assert.That(output.min().item<float>() >= 0 && output.max().item<float>() <= 1, Is.True);
    }

    [Test]
    public void DeconvUpsamplingKeepsTheSizeAndHasMonaiNames()
    {
        using var model = new SegResnet(numClasses: 2, initFilters: 4, groupNormGroups: 2, upsampleMode: "deconv");
        Assert.That(model.state_dict().Keys, Does.Contain("up_samples.0.1.deconv.weight").And.Contain("up_samples.0.1.deconv.bias"));
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        Assert.That(model.call(randn(new long[] { 1, 1, 8, 8, 8 })).shape, Is.EqualTo(new long[] { 1, 2, 8, 8, 8 }));
    }

    [Test]
    public void DivisorIsTwoToTheLevelsMinusOne()
    {
        Assert.That(SegResnet.Divisor([1, 2, 2, 4]), Is.EqualTo(8));
        Assert.That(SegResnet.Divisor([1, 1]), Is.EqualTo(2));
        Assert.That(SegResnet.Divisor([1]), Is.EqualTo(1));
    }

    [Test]
    public void SpatialSizeNotAMultipleOfTheDivisorIsRejectedClearly()
    {
        using var model = new SegResnet(numClasses: 2, initFilters: 4, groupNormGroups: 2);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 16, 12, 16 })))!;
        Assert.That(error.Message, Does.Contain("12").And.Contain("multiple of 8").And.Contain("2^(4-1)"));
    }

    [Test]
    public void WrongChannelCountIsRejected()
    {
        using var model = new SegResnet(numClasses: 2, inChannels: 2, initFilters: 4, groupNormGroups: 2);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 8, 8, 8 })))!;
        Assert.That(error.Message, Does.Contain("in_channels 2"));
    }

    [Test]
    public void DropoutIsOffInEvalMode()
    {
        using var model = new SegResnet(numClasses: 2, initFilters: 4, groupNormGroups: 2, dropoutProb: 0.5);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = randn(new long[] { 1, 1, 8, 8, 8 });
        Assert.That(model.call(x).allclose(model.call(x)), Is.True);
    }

    [Test]
    public void BadArgsNameTheirArg()
    {
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(2, useVae: true))!.Arg, Is.EqualTo("use_vae"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(2, initFilters: 6, groupNormGroups: 4))!.Arg, Is.EqualTo("use_group_normG"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(2, blocksUp: [1, 1]))!.Arg, Is.EqualTo("blocks_up"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(2, blocksDown: [1, 0, 1, 1]))!.Arg, Is.EqualTo("blocks_down[1]"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(2, useBatchNorm: true))!.Arg, Is.EqualTo("use_batch_norm"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(2, finalActivation: "tanh"))!.Arg, Is.EqualTo("final_activation"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(2, upsampleMode: "pixelshuffle"))!.Arg, Is.EqualTo("upsample_mode"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegResnet(0))!.Arg, Is.EqualTo("num_classes"));
    }
}
