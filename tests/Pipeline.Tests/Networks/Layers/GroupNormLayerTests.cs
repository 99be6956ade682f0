using NUnit.Framework;
using TorchSharp;
using Pipeline.Networks.Layers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>GroupNormLayer computes libtorch's group norm, in float32 for bfloat16 inputs, with PyTorch's state-dict names.</summary>
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
}
