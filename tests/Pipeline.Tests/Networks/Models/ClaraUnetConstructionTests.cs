using Pipeline.Networks.Layers;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks;
using Pipeline.Networks.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>ClaraUnet's layout, input contract, output, initialisation, bf16 behaviour and arg validation.</summary>
public sealed class ClaraUnetConstructionTests
{
    [Test]
    public void DefaultWidthsFollowVoxelMorphsUnetCore()
    {
        using var model = new ClaraUnet(numClasses: 2);
        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);

        // Encoder: four stride-2 convs 1→32→64→64→64.
        Assert.That(shapes["encoder.0.conv.weight"], Is.EqualTo(new long[] { 32, 1, 3, 3, 3 }));
        Assert.That(shapes["encoder.3.conv.weight"], Is.EqualTo(new long[] { 64, 64, 3, 3, 3 }));
        // dec[0] on the deepest features; dec[1], dec[2] see [upsampled, skip] = 64 + 64; dec[3] sees 64 + nf_enc[0] = 96.
        Assert.That(shapes["decoder.0.conv.weight"], Is.EqualTo(new long[] { 64, 64, 3, 3, 3 }));
        Assert.That(shapes["decoder.1.conv.weight"], Is.EqualTo(new long[] { 64, 128, 3, 3, 3 }));
        Assert.That(shapes["decoder.2.conv.weight"], Is.EqualTo(new long[] { 64, 128, 3, 3, 3 }));
        Assert.That(shapes["extra.0.conv.weight"], Is.EqualTo(new long[] { 64, 96, 3, 3, 3 }));
        // dec[4] at half resolution, then upsampling and concat with the 1-channel input before dec[5]; dec[6] last.
        Assert.That(shapes["extra.1.conv.weight"], Is.EqualTo(new long[] { 64, 64, 3, 3, 3 }));
        Assert.That(shapes["extra.2.conv.weight"], Is.EqualTo(new long[] { 32, 65, 3, 3, 3 }));
        Assert.That(shapes["extra.3.conv.weight"], Is.EqualTo(new long[] { 32, 32, 3, 3, 3 }));
        Assert.That(shapes["output.weight"], Is.EqualTo(new long[] { 2, 32, 1, 1, 1 }));
        Assert.That(shapes.Keys, Does.Contain("output.bias").And.Contain("encoder.0.conv.bias").And.Contain("extra.3.conv.bias"));
        Assert.That(shapes.Keys.Where(k => k.Contains("norm")), Is.Empty);
        Assert.That(shapes, Has.Count.EqualTo(2 * (4 + 3 + 4 + 1)));
    }

    [TestCase(4, 7, 2)]
    [TestCase(4, 6, 2)]
    [TestCase(4, 9, 2)]
    [TestCase(3, 4, 1)]
    [TestCase(1, 2, 1)]
    public void TwoExtraConvsRunAtHalfResolutionWhenMoreThanTwoRemain(int encoderLevels, int decoderLength, int expected) =>
        Assert.That(ClaraUnet.HalfResolutionExtraConvs(encoderLevels, decoderLength), Is.EqualTo(expected));

    [Test]
    public void ContractIsThreeDMultiplesOfTwoToTheEncoderLevelsWithDynamicShape()
    {
        using var model = new ClaraUnet(numClasses: 2, inChannels: 3, nfEnc: [2, 2, 2, 2], nfDec: [2, 2, 2, 2, 2, 2, 2]);
        Assert.That(model.InputContract, Is.EqualTo(InputContract.MultipleOf(3, 3, 16)));
        Assert.That(model.InputContract.SupportsDynamicShape, Is.True);
        Assert.That(ClaraUnet.Divisor(4), Is.EqualTo(16));
        Assert.That(ClaraUnet.Divisor(2), Is.EqualTo(4));
    }

    [TestCase("softmax")]
    [TestCase("sigmoid")]
    [TestCase("linear")]
    public void OutputHasTheInputSizeForChangingShapes(string activation)
    {
        using var model = new ClaraUnet(numClasses: 3, inChannels: 2, nfEnc: [2, 4, 4], nfDec: [4, 4, 4, 2, 2, 2], finalActivation: activation);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var size in new long[][] { [8, 16, 24], [16, 8, 8] })
        {
            var output = model.call(randn(new long[] { 2, 2 }.Concat(size).ToArray(), generator: new Generator(1)));
            Assert.That(output.shape, Is.EqualTo(new long[] { 2, 3 }.Concat(size).ToArray()));
            if (activation == "softmax")
                Assert.That((output.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-5f));
            if (activation == "sigmoid")
                Assert.That(output.min().item<float>() >= 0 && output.max().item<float>() <= 1, Is.True);
            if (activation == "linear")
                Assert.That(output.min().item<float>(), Is.LessThan(0f));
        }
    }

    [Test]
    public void IllegalInputsAreRejectedClearly()
    {
        using var model = new ClaraUnet(numClasses: 2, inChannels: 2, nfEnc: [2, 2, 2, 2], nfDec: [2, 2, 2, 2, 2, 2, 2]);
        using var scope = NewDisposeScope();
        var size = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 2, 16, 24, 16 })))!;
        Assert.That(size.Message, Does.Contain("Unet").And.Contain("24").And.Contain("multiple of 16"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 2, 8, 16, 16 })))!.Message, Does.Contain("multiple of 16"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 16, 16, 16 })))!.Message, Does.Contain("in_channels 2"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 2, 16, 16, 16 })))!.Message, Does.Contain("5-D"));
    }

    [Test]
    public void GroupNormStartsAtOneAndZeroWithTensorFlowsEpsilon()
    {
        using var model = new ClaraUnet(numClasses: 2, nfEnc: [4, 8], nfDec: [8, 8, 4], useGroupNorm: true, groupNormGroups: 4);
        var norms = model.modules().OfType<GroupNormLayer>().ToList();
        Assert.That(norms, Has.Count.EqualTo(2 + 1 + 2));
        foreach (var gn in norms)
        {
            Assert.That(gn.get_parameter("weight")!.data<float>().ToArray(), Is.All.EqualTo(1f));
            Assert.That(gn.get_parameter("bias")!.data<float>().ToArray(), Is.All.EqualTo(0f));
            Assert.That(gn.Eps, Is.EqualTo(1e-6));
        }
        Assert.That(model.state_dict().Keys.Where(k => k.EndsWith("conv.bias", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void InitialisationIsReproducibleFromTheTorchSeed()
    {
        static ClaraUnet Build(long seed)
        {
            torch.random.manual_seed(seed);
            return new ClaraUnet(numClasses: 2, nfEnc: [2, 4], nfDec: [4, 4, 2]);
        }
        using var a = Build(7);
        using var b = Build(7);
        using var c = Build(8);
        var sa = a.state_dict();
        var sb = b.state_dict();
        var sc = c.state_dict();
        foreach (var key in sa.Keys)
            Assert.That(sa[key].equal(sb[key]).all().item<bool>(), Is.True, key);
        Assert.That(sa["encoder.0.conv.weight"].equal(sc["encoder.0.conv.weight"]).all().item<bool>(), Is.False);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void BFloat16ForwardIsCloseToFloat32(bool batchNorm)
    {
        torch.random.manual_seed(3);
        using var model = new ClaraUnet(numClasses: 3, inChannels: 2, nfEnc: [4, 8, 8, 8], nfDec: [8, 8, 8, 8, 8, 4, 4],
            useGroupNorm: !batchNorm, useBatchNorm: batchNorm, groupNormGroups: 2);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = randn(new long[] { 1, 2, 16, 16, 32 }, generator: new Generator(5));
        var reference = model.call(x);

        model.to(ScalarType.BFloat16);
        var output = model.call(x.to(ScalarType.BFloat16));

        Assert.That(output.dtype, Is.EqualTo(ScalarType.BFloat16));
        Assert.That(output.shape, Is.EqualTo(reference.shape));
        Assert.That((output.to(ScalarType.Float32) - reference).abs().max().item<float>(), Is.LessThan(0.05f));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void BFloat16ConvBlockWithFewFiltersMatchesFloat32(bool downsample)
    {
        // libtorch's CPU bf16 conv3d is badly wrong for 3³ kernels with a filter count that is not a multiple of 16.
        using var block = new ClaraUnetConvBlock(3, 5, downsample, norm: null);
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = randn(new long[] { 1, 3, 8, 8, 8 }, generator: new Generator(2));
        var reference = block.call(x);
        block.to(ScalarType.BFloat16);
        var output = block.call(x.to(ScalarType.BFloat16));

        Assert.That(output.shape, Is.EqualTo(reference.shape));
        var relative = (output.to(ScalarType.Float32) - reference).abs().max() / reference.abs().max();
        Assert.That(relative.item<float>(), Is.LessThan(0.02f));
    }

    [Test]
    public void DropoutActsOnlyInTraining()
    {
        using var model = new ClaraUnet(numClasses: 2, nfEnc: [2, 2], nfDec: [2, 2, 2], dropoutProb: 0.5, finalActivation: "linear");
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = randn(new long[] { 1, 1, 8, 8, 8 });
        model.eval();
        Assert.That(model.call(x).equal(model.call(x)).all().item<bool>(), Is.True);
        model.train();
        Assert.That(model.call(x).equal(model.call(x)).all().item<bool>(), Is.False);
    }

    [Test]
    public void BadArgsNameTheirArg()
    {
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(0))!.Arg, Is.EqualTo("num_classes"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, inChannels: 0))!.Arg, Is.EqualTo("in_channels"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, nfEnc: []))!.Arg, Is.EqualTo("nf_enc"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, nfEnc: [32, 0, 64, 64]))!.Arg, Is.EqualTo("nf_enc[1]"));
        var shortDecoder = Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, nfDec: [64, 64, 64, 64]))!;
        Assert.That(shortDecoder.Arg, Is.EqualTo("nf_dec"));
        Assert.That(shortDecoder.Message, Does.Contain("at least 5").And.Contain("64,64,64,64,64,32,32"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, nfDec: [64, 64, 64, 64, -1]))!.Arg, Is.EqualTo("nf_dec[4]"));
        var bothNorms = Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, useBatchNorm: true, useGroupNorm: true))!;
        Assert.That(bothNorms.Arg, Is.EqualTo("use_group_norm"));
        Assert.That(bothNorms.Message, Does.Contain("use_batch_norm"));
        var groups = Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, nfDec: [64, 64, 64, 64, 64, 32, 20], useGroupNorm: true))!;
        Assert.That(groups.Arg, Is.EqualTo("use_group_normG"));
        Assert.That(groups.Message, Does.Contain("nf_dec[6] = 20"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, useGroupNorm: true, groupNormGroups: 0))!.Arg, Is.EqualTo("use_group_normG"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, finalActivation: "tanh"))!.Arg, Is.EqualTo("final_activation"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, dataFormat: "channels_last"))!.Arg, Is.EqualTo("data_format"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, dropoutProb: 1.0))!.Arg, Is.EqualTo("dropout_prob"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, regWeight: -1e-5))!.Arg, Is.EqualTo("reg_weight"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new ClaraUnet(2, regWeight: double.NaN))!.Arg, Is.EqualTo("reg_weight"));
    }
}
