using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SwinUNETR's input contract, input checks, initial state, dtype handling and arg validation.</summary>
public sealed class SwinUNETRConstructionTests
{
    [Test]
    public void ContractIsAMultipleOfThirtyTwoOnEveryAxisWithDynamicShape()
    {
        using var model = new SwinUNETR(outChannels: 2, inChannels: 3, featureSize: 12, depths: [1, 1, 1, 1], windowSize: 3);
        Assert.That(model.InputContract, Is.EqualTo(InputContract.MultipleOf(3, 3, 32)));
        Assert.That(model.InputContract.SupportsDynamicShape, Is.True);
        Assert.That(model.InputContract.ExplainSize([96, 64, 32]), Is.Null);
        Assert.That(model.InputContract.ExplainSize([96, 48, 32]), Does.Contain("multiple of 32"));
    }

    [Test]
    public void IllegalInputSizeRankOrChannelCountIsRejectedClearly()
    {
        using var model = new SwinUNETR(outChannels: 2, inChannels: 1, featureSize: 12, depths: [1, 1, 1, 1], windowSize: 3);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 32, 48, 32 })))!;
        Assert.That(error.Message, Does.Contain("SwinUNETR").And.Contain("48").And.Contain("multiple of 32"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 32, 32, 32 })))!.Message, Does.Contain("5-D"));
        Assert.That(Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 2, 32, 32, 32 })))!.Message, Does.Contain("in_channels 1"));
    }

    [Test]
    public void OutputIsASoftmaxOfTheInputsSizeForNonCubicInputs()
    {
        using var model = new SwinUNETR(outChannels: 3, inChannels: 1, featureSize: 12, depths: [1, 2, 1, 1], numHeads: [1, 2, 4, 8], windowSize: 3);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = model.call(randn(new long[] { 2, 1, 32, 64, 32 }, generator: new Generator(1)));

        Assert.That(output.shape, Is.EqualTo(new long[] { 2, 3, 32, 64, 32 }));
        Assert.That(output.isnan().any().item<bool>(), Is.False);
        Assert.That((output.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void InitialisationIsReproducibleFromTorchsSeedAndFollowsMonai()
    {
        static SwinUNETR Build(long seed)
        {
            torch.random.manual_seed(seed);
            return new SwinUNETR(outChannels: 2, featureSize: 12, depths: [1, 1, 1, 1], windowSize: 3);
        }
        using var a = Build(7);
        using var b = Build(7);
        using var c = Build(8);
        var sa = a.state_dict();
        var sb = b.state_dict();
        var sc = c.state_dict();
        foreach (var (name, value) in sa)
            Assert.That(value.equal(sb[name]).all().item<bool>(), Is.True, name);
        Assert.That(sa["swinViT.layers1.0.blocks.0.attn.qkv.weight"].equal(sc["swinViT.layers1.0.blocks.0.attn.qkv.weight"]).all().item<bool>(), Is.False);

        // MONAI: trunc-normal std 0.02 bias tables, LayerNorms at 1/0.
        var table = sa["swinViT.layers3.0.blocks.0.attn.relative_position_bias_table"];
        Assert.That(table.std().item<float>(), Is.EqualTo(0.02f).Within(0.004f));
        Assert.That(table.abs().max().item<float>(), Is.LessThanOrEqualTo(2f));
        Assert.That(sa["swinViT.layers2.0.blocks.0.norm1.weight"].data<float>().ToArray(), Is.All.EqualTo(1f));
        Assert.That(sa["swinViT.layers2.0.downsample.norm.bias"].data<float>().ToArray(), Is.All.EqualTo(0f));
        foreach (var (name, p) in a.named_parameters())
            Assert.That(p.isnan().any().item<bool>(), Is.False, name);
    }

    [Test]
    public void BFloat16SwinStageIsCloseToFullPrecisionAndTheModelKeepsTheDtype()
    {
        torch.random.manual_seed(3);
        // A shifted, padded stage (8×6×16 voxels, window 5: padding to 10×10×20, shift 2) without any convolution.
        using var stage = new SwinBasicLayer(12, 3, [5, 5, 5], [0.0, 0.0], 4.0, true, 0, 0, SwinPatchMergingOrder.Monai15);
        stage.eval();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = randn(new long[] { 1, 12, 8, 6, 16 }, generator: new Generator(5));
        stage.to(ScalarType.Float64);
        var reference = stage.call(x.to(ScalarType.Float64));
        stage.to(ScalarType.BFloat16);
        var low = stage.call(x.to(ScalarType.BFloat16));
        Assert.That(low.dtype, Is.EqualTo(ScalarType.BFloat16));
        var scale = reference.abs().mean().item<double>();
        Assert.That((low.to(ScalarType.Float64) - reference).abs().mean().item<double>(), Is.LessThan(0.03 * scale));

        // The whole model, logits: feature_size 12 has the channel counts (12, 24) that need ConvolutionLayer in bf16.
        using var model = new SwinUNETR(outChannels: 2, featureSize: 12, depths: [1, 1, 1, 1], windowSize: 3, finalActivation: "linear");
        model.eval();
        var input = randn(new long[] { 1, 1, 32, 32, 32 }, generator: new Generator(6));
        var full = model.call(input);
        model.to(ScalarType.BFloat16);
        var output = model.call(input.to(ScalarType.BFloat16));
        Assert.That(output.dtype, Is.EqualTo(ScalarType.BFloat16));
        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 2, 32, 32, 32 }));
        var relative = ((output.to(ScalarType.Float32) - full).abs().max() / full.abs().max()).item<float>();
        Assert.That(relative, Is.LessThan(0.1f));
    }

    [Test]
    public void RelativePositionIndexIsAPersistentInt64Buffer()
    {
        using var model = new SwinUNETR(outChannels: 2, featureSize: 12, depths: [1, 1, 1, 1], windowSize: 7);
        var index = model.state_dict()["swinViT.layers1.0.blocks.0.attn.relative_position_index"];
        Assert.That(index.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(index.shape, Is.EqualTo(new long[] { 343, 343 }));
        // The standard Swin index: 0 on the diagonal is the table row of offset (0,0,0), the table's centre.
        Assert.That(index[0, 0].item<long>(), Is.EqualTo(6 * 13 * 13 + 6 * 13 + 6));
        Assert.That(index.max().item<long>(), Is.EqualTo(13 * 13 * 13 - 1));
        Assert.That(model.state_dict()["swinViT.layers1.0.blocks.0.attn.relative_position_bias_table"].shape,
            Is.EqualTo(new long[] { 13 * 13 * 13, 3 }));
    }

    [Test]
    public void ShiftMaskSeparatesRegionsAndShrunkWindowsDropTheShift()
    {
        var (window, shift) = SwinWindowing.Fit([8, 4, 16], [7, 7, 7], [3, 3, 3]);
        Assert.That(window, Is.EqualTo(new long[] { 7, 4, 7 }));
        Assert.That(shift, Is.EqualTo(new long[] { 3, 0, 3 }));

        using var scope = NewDisposeScope();
        var mask = SwinWindowing.ShiftMask([14, 4, 14], [7, 4, 7], [3, 0, 3], ScalarType.Float32, CPU);
        Assert.That(mask.shape, Is.EqualTo(new long[] { 4, 7 * 4 * 7, 7 * 4 * 7 }));
        // The first window holds a single region; the last window mixes four (split on D and W, not on the unshifted H).
        Assert.That(mask[0].abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That(mask[3].min().item<float>(), Is.EqualTo(-100f));
        Assert.That(mask[3].diagonal().abs().max().item<float>(), Is.EqualTo(0f));
        // Each token attends to its own region only; the regions are (4|3) × 4 × (4|3) tokens.
        var (allowed, _, _) = mask[3].eq(0).sum(1L).unique();
        Assert.That(allowed.data<long>().ToArray(), Is.EquivalentTo(new long[] { 3 * 4 * 3, 3 * 4 * 4, 4 * 4 * 4 }));
    }

    [Test]
    public void MergingOrdersAreMonaisOffsetLists()
    {
        Assert.That(SwinPatchMerging.Offsets(SwinPatchMergingOrder.Monai15).Distinct().Count(), Is.EqualTo(8));
        Assert.That(SwinPatchMerging.Offsets(SwinPatchMergingOrder.Legacy)[4..7],
            Is.EqualTo(new[] { (1, 0, 1), (0, 1, 0), (0, 0, 1) }));
        Assert.That(SwinPatchMerging.Offsets(SwinPatchMergingOrder.Legacy).Distinct().Count(), Is.EqualTo(6));
    }

    [TestCase(24, null, null, 2, 3, "instance", null)]
    public void DefaultsLikeMonaiAreAccepted(int featureSize, int[]? depths, int[]? heads, int patchSize, int spatialDims, string normName, int[]? imgSize)
    {
        using var model = new SwinUNETR(outChannels: 2, featureSize: featureSize, depths: depths, numHeads: heads, patchSize: patchSize,
            spatialDims: spatialDims, normName: normName, imgSize: imgSize ?? [96, 96, 96]);
        Assert.That(model.state_dict()["swinViT.layers4.0.downsample.reduction.weight"].shape, Is.EqualTo(new long[] { 384, 1536 }));
    }

    [Test]
    public void BadArgsNameTheirArg()
    {
        static string Arg(TestDelegate build) => Assert.Throws<ConfigArgException>(build)!.Arg;
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, featureSize: 30)), Is.EqualTo("feature_size"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, featureSize: 0)), Is.EqualTo("feature_size"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, featureSize: 12, numHeads: [3, 6, 12, 5])), Is.EqualTo("num_heads[3]"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, numHeads: [3, 6, 12])), Is.EqualTo("num_heads"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, depths: [2, 2, 2])), Is.EqualTo("depths"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, depths: [2, 0, 2, 2])), Is.EqualTo("depths[1]"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, patchSize: 4)), Is.EqualTo("patch_size"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, spatialDims: 2)), Is.EqualTo("spatial_dims"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, normName: "batch")), Is.EqualTo("norm_name"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, dropRate: 1.5)), Is.EqualTo("drop_rate"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, attnDropRate: -0.1)), Is.EqualTo("attn_drop_rate"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, dropoutPathRate: double.NaN)), Is.EqualTo("dropout_path_rate"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, patchMergingOrder: "v1")), Is.EqualTo("patch_merging_order"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, downsample: "pool")), Is.EqualTo("downsample"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, finalActivation: "relu")), Is.EqualTo("final_activation"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, imgSize: [96, 96, 80])), Is.EqualTo("img_size[2]"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, windowSize: 0)), Is.EqualTo("window_size"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, mlpRatio: 0)), Is.EqualTo("mlp_ratio"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, patchNorm: true)), Is.EqualTo("patch_norm"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 0)), Is.EqualTo("out_channels"));
        Assert.That(Arg(() => new SwinUNETR(outChannels: 2, inChannels: 0)), Is.EqualTo("in_channels"));
    }
}
