using NUnit.Framework;
using Pipeline.Networks.Layers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>DoublingUpsample is trilinear (bilinear) interpolation by 2 with align_corners false, on every path.</summary>
public sealed class DoublingUpsampleTests
{
    private static Tensor Float64Doubling(Tensor x) =>
        nn.functional.interpolate(x.to(ScalarType.Float64), scale_factor: [2.0, 2.0, 2.0], mode: InterpolationMode.Trilinear, align_corners: false);

    [TestCase(8, 1, 5, 6, 7)]
    [TestCase(16, 2, 4, 4, 4)]
    [TestCase(8, 1, 1, 2, 3)]
    [TestCase(24, 1, 3, 1, 2)]
    public void ChannelsLastVolumesWithoutAutogradMatchFloat64(int channels, int batch, int depth, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var layer = new DoublingUpsample();
        var x = ChannelsLast.Copy(randn([batch, channels, depth, height, width], generator: new Generator(5)) * 4 + 1);
        var expected = Float64Doubling(x);

        var y = layer.call(x);
        var yBf16 = layer.call(x.to(ScalarType.BFloat16));

        Assert.That(y.shape, Is.EqualTo(expected.shape));
        Assert.That(ChannelsLast.Holds(y), Is.True);
        Assert.That((y.to(ScalarType.Float64) - expected).abs().max().item<double>(), Is.LessThan(1e-5));
        Assert.That(yBf16.dtype, Is.EqualTo(ScalarType.BFloat16));
        // One rounding to bf16 (8 significant bits) of outputs that reach about 15, plus the rounding of the input.
        Assert.That((yBf16.to(ScalarType.Float64) - expected).abs().max().item<double>(), Is.LessThan(0.15));
    }

    [Test]
    public void OtherLayoutsAndAutogradGetLibtorchsInterpolation()
    {
        using var scope = NewDisposeScope();
        using var layer = new DoublingUpsample();
        var contiguous = randn([1, 4, 3, 4, 5], generator: new Generator(6));
        var fewChannels = ChannelsLast.Copy(randn([1, 4, 3, 4, 5], generator: new Generator(7)));
        var planar = randn([2, 8, 5, 6], generator: new Generator(8));
        var trained = ChannelsLast.Copy(randn([1, 8, 3, 4, 5], generator: new Generator(9))).requires_grad_(true);

        using (no_grad())
        {
            Assert.That((layer.call(contiguous).to(ScalarType.Float64) - Float64Doubling(contiguous)).abs().max().item<double>(), Is.LessThan(1e-5));
            Assert.That((layer.call(fewChannels).to(ScalarType.Float64) - Float64Doubling(fewChannels)).abs().max().item<double>(), Is.LessThan(1e-5));
            var planarExpected = nn.functional.interpolate(planar, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);
            Assert.That(layer.call(planar).equal(planarExpected).all().item<bool>(), Is.True);
        }
        var y = layer.call(trained);
        y.sum().backward();
        // Each input voxel spreads weights summing to 8 over the doubled volume.
        Assert.That((trained.grad! - 8).abs().max().item<float>(), Is.LessThan(1e-4f));
    }

    [Test]
    public void RejectsTensorsThatAreNotImages()
    {
        using var layer = new DoublingUpsample();
        using var x = randn([2, 3, 4]);
        Assert.That(() => layer.call(x), Throws.ArgumentException.With.Message.Contains("[B, C, D, H, W]"));
    }
}
