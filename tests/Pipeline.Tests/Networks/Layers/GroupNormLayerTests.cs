using NUnit.Framework;
using TorchSharp;
using Pipeline.Networks.Layers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>GroupNormLayer computes group normalisation with PyTorch's state-dict names, on libtorch's path and on its own channels-last path.</summary>
public sealed class GroupNormLayerTests
{
    [Test]
    public void Float32MatchesLibtorchsGroupNormAndTheClosedForm()
    {
        using var scope = NewDisposeScope();
        using var layer = new GroupNormLayer(2, 4);
        var x = randn([2, 4, 5, 6, 7], generator: new Generator(3));

        var y = layer.call(x);

        Assert.That((y - nn.functional.group_norm(x, 2, null, null, 1e-5)).abs().max().item<float>(), Is.LessThan(1e-6));
        // Closed form: each (sample, group) is standardised with the biased variance.
        var group = x[0, TensorIndex.Slice(0, 2)].to(ScalarType.Float64);
        var centred = group - group.mean();
        var expected = centred / ((centred * centred).mean() + 1e-5).sqrt();
        Assert.That((y[0, TensorIndex.Slice(0, 2)].to(ScalarType.Float64) - expected).abs().max().item<double>(), Is.LessThan(1e-5));
        Assert.That(layer.state_dict().Keys, Is.EquivalentTo(new[] { "weight", "bias" }));
    }

    [Test]
    public void Bfloat16InputsGiveBfloat16OutputsCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        using var layer = new GroupNormLayer(2, 4);
        using (no_grad())
        {
            layer.get_parameter("weight")!.copy_(tensor(new[] { 1f, 2f, 0.5f, -1f }));
            layer.get_parameter("bias")!.copy_(tensor(new[] { 0f, 0.25f, -0.5f, 1f }));
        }
        var x = (randn([1, 4, 8, 8, 8], generator: new Generator(4)) * 3 + 2).to(ScalarType.BFloat16);
        var reference = layer.call(x.to(ScalarType.Float32));

        layer.to(ScalarType.BFloat16);
        var y = layer.call(x);

        Assert.That(y.dtype, Is.EqualTo(ScalarType.BFloat16));
        // bf16 keeps about three significant digits; outputs reach a few units.
        Assert.That((y.to(ScalarType.Float32) - reference).abs().max().item<float>(), Is.LessThan(0.05f));
    }

    private static Tensor Float64GroupNorm(Tensor x, long groups, Tensor weight, Tensor bias) =>
        nn.functional.group_norm(x.to(ScalarType.Float64), groups, weight.to(ScalarType.Float64), bias.to(ScalarType.Float64), 1e-5);

    private static GroupNormLayer LayerWithAffine(long groups, long channels, int seed)
    {
        var layer = new GroupNormLayer(groups, channels);
        using (no_grad())
        {
            layer.get_parameter("weight")!.copy_(rand([channels], generator: new Generator((ulong)seed)) * 2 - 0.5);
            layer.get_parameter("bias")!.copy_(randn([channels], generator: new Generator((ulong)seed + 1)));
        }
        return layer;
    }

    [TestCase(8, 8, 1)]
    [TestCase(8, 4, 2)]
    [TestCase(16, 8, 2)]
    [TestCase(32, 8, 1)]
    [TestCase(4, 2, 3)]
    [TestCase(2, 1, 1)]
    public void ChannelsLastInputsWithoutAutogradMatchFloat64(int channels, int groups, int batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var layer = LayerWithAffine(groups, channels, 11);
        // A mean far from 0 against a unit spread: summing x² and subtracting the squared mean would lose digits here.
        var x = ChannelsLast.Copy(randn([batch, channels, 12, 10, 8], generator: new Generator(12)) + 40);
        var expected = Float64GroupNorm(x, groups, layer.get_parameter("weight")!, layer.get_parameter("bias")!);

        var y = layer.call(x);

        Assert.That(ChannelsLast.Holds(y), Is.True);
        Assert.That((y.to(ScalarType.Float64) - expected).abs().max().item<double>(), Is.LessThan(1e-5));
    }

    [Test]
    public void ChannelsLastBfloat16IsAsCloseToFloat64AsLibtorchsKernel()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var layer = LayerWithAffine(8, 8, 13);
        var x = ChannelsLast.Copy(randn([2, 8, 16, 12, 10], generator: new Generator(14)) * 3 + 5).to(ScalarType.BFloat16);
        layer.to(ScalarType.BFloat16);
        var (weight, bias) = (layer.get_parameter("weight")!, layer.get_parameter("bias")!);
        var expected = Float64GroupNorm(x, 8, weight, bias);
        var libtorch = nn.functional.group_norm(x, 8, weight, bias, 1e-5);

        var y = layer.call(x);

        Assert.That(y.dtype, Is.EqualTo(ScalarType.BFloat16));
        var scale = expected.abs().max().item<double>();
        var error = (y.to(ScalarType.Float64) - expected).abs().max().item<double>();
        var libtorchError = (libtorch.to(ScalarType.Float64) - expected).abs().max().item<double>();
        // Rounding the output to bf16 is the only error left: at most half a unit in the 8th significant bit.
        Assert.That(error / scale, Is.LessThanOrEqualTo(1.0 / 256));
        Assert.That(error, Is.LessThanOrEqualTo(libtorchError));
    }

    [Test]
    public void NormalizeAndRectifyIsTheNormalisationClampedAtZeroOnEveryPath()
    {
        using var scope = NewDisposeScope();
        using var layer = LayerWithAffine(4, 8, 15);
        var channelsLast = ChannelsLast.Copy(randn([2, 8, 6, 6, 6], generator: new Generator(16)));
        // 27 voxels of 8 channels do not fill whole 32-value blocks: libtorch's path.
        var ragged = ChannelsLast.Copy(randn([1, 8, 3, 3, 3], generator: new Generator(17)));

        foreach (var x in new[] { channelsLast, ragged, channelsLast.contiguous() })
        {
            var expected = Float64GroupNorm(x, 4, layer.get_parameter("weight")!, layer.get_parameter("bias")!).relu();
            using (no_grad())
                Assert.That((layer.NormalizeAndRectify(x).to(ScalarType.Float64) - expected).abs().max().item<double>(), Is.LessThan(1e-5));
            // With autograd on, the layer takes libtorch's path, which records gradients.
            var recorded = layer.NormalizeAndRectify(x);
            Assert.That(recorded.requires_grad, Is.True);
            Assert.That((recorded.to(ScalarType.Float64) - expected).abs().max().item<double>(), Is.LessThan(1e-4));
        }
    }
}
