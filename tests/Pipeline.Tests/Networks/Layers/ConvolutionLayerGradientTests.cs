using NUnit.Framework;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>ConvolutionLayer's gradients match float64 for the channel counts whose fp32 blocked-layout input-gradient kernel is unreliable on CPU (3-D layers run channels-last, 2-D ones through the input-gradient bridge).</summary>
public sealed class ConvolutionLayerGradientTests
{
    [TestCase(8, 8)]
    [TestCase(16, 8)]
    [TestCase(1, 8)]
    [TestCase(8, 2)]
    public void GradientsMatchFloat64(int inChannels, int outChannels) =>
        AssertGradientsMatchFloat64(() => ConvolutionLayer.Conv3d(inChannels, outChannels, 3, padding: 1), [2, inChannels, 64, 64, 32]);

    [TestCase(3, 0, 1, 24, 24)]
    [TestCase(3, 0, 2, 8, 8)]
    [TestCase(5, 2, 1, 8, 8)]
    public void GradientsOfOtherPaddingsDilationsAndCountsMatchFloat64(int kernel, int padding, int dilation, int inChannels, int outChannels) =>
        AssertGradientsMatchFloat64(
            () => new ConvolutionLayer(3, inChannels, outChannels, [kernel, kernel, kernel], padding: [padding, padding, padding], dilation: [dilation, dilation, dilation]),
            [1, inChannels, 48, 40, 36]);

    [TestCase(2, 0, 0)]
    [TestCase(3, 1, 1)]
    public void TransposedGradientsMatchFloat64(int kernel, int padding, int outputPadding) =>
        AssertGradientsMatchFloat64(
            () => new ConvolutionLayer(3, 16, 8, [kernel, kernel, kernel], [2, 2, 2], [padding, padding, padding], transposed: true,
                outputPadding: [outputPadding, outputPadding, outputPadding]),
            [2, 16, 32, 32, 16]);

    [Test]
    public void TwoDimensionalGradientsMatchFloat64() =>
        AssertGradientsMatchFloat64(() => ConvolutionLayer.Conv2d(8, 8, 3, padding: 1), [2, 8, 256, 192]);

    [Test]
    public void TwoDimensionalTransposedGradientsMatchFloat64() =>
        AssertGradientsMatchFloat64(() => ConvolutionLayer.ConvTranspose2d(16, 8, 2, stride: 2), [2, 16, 128, 96]);

    private static void AssertGradientsMatchFloat64(Func<ConvolutionLayer> create, long[] inputShape)
    {
        // The library kernel fails intermittently, so several draws are checked.
        for (var draw = 0; draw < 4; draw++)
        {
            manual_seed(draw);
            using var layer = create();
            using var reference = create();
            using (no_grad())
            {
                reference.Weight.copy_(layer.Weight);
                reference.Bias!.copy_(layer.Bias!);
            }
            reference.to(ScalarType.Float64);
            using var scope = NewDisposeScope();
            var x = randn(inputShape).requires_grad_(true);
            var y = layer.call(x);
            var upstream = randn(y.shape);
            y.backward([upstream]);
            var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
            reference.call(x64).backward([upstream.to(ScalarType.Float64)]);

            Assert.That(Float64Reference.RelativeError(x.grad!, x64.grad!), Is.LessThan(1e-5), $"input gradient, draw {draw}");
            Assert.That(Float64Reference.RelativeError(layer.Weight.grad!, reference.Weight.grad!), Is.LessThan(1e-4), $"weight gradient, draw {draw}");
            Assert.That(Float64Reference.RelativeError(layer.Bias!.grad!, reference.Bias!.grad!), Is.LessThan(1e-4), $"bias gradient, draw {draw}");
        }
    }

    [Test]
    public void InPlaceOpsAfterTheConvolutionKeepTheGradientsExact()
    {
        // A residual block adds its input in place and an in-place ReLU may follow; both act on the convolution's own output.
        manual_seed(7);
        using var layer = ConvolutionLayer.Conv3d(8, 8, 3, padding: 1);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 8, 48, 48, 32 }).requires_grad_(true);
        var upstream = randn(new long[] { 2, 8, 48, 48, 32 });
        layer.call(x).add_(x).relu_().backward([upstream]);

        var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
        var (y64, w64) = Float64Reference.Conv3d(layer, x64, padding: [1, 1, 1]);
        (y64 + x64).relu().backward([upstream.to(ScalarType.Float64)]);

        Assert.That(Float64Reference.RelativeError(x.grad!, x64.grad!), Is.LessThan(1e-5));
        Assert.That(Float64Reference.RelativeError(layer.Weight.grad!, w64.grad!), Is.LessThan(1e-4));
    }

    [Test]
    public void WeightGradientsWithoutAnInputGradientMatchFloat64()
    {
        // A first layer: the image needs no gradient, so only libtorch's weight-gradient kernel runs.
        manual_seed(5);
        using var layer = ConvolutionLayer.Conv3d(4, 8, 3, padding: 1);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 4, 64, 64, 32 });
        var upstream = randn(new long[] { 2, 8, 64, 64, 32 });
        layer.call(x).backward([upstream]);
        var (y64, w64) = Float64Reference.Conv3d(layer, x.to(ScalarType.Float64), padding: [1, 1, 1]);
        y64.backward([upstream.to(ScalarType.Float64)]);
        Assert.That(Float64Reference.RelativeError(layer.Weight.grad!, w64.grad!), Is.LessThan(1e-4));
    }

    [Test]
    public void AStrided1x1ConvolutionTrainsAtSmallSizesAndMatchesFloat64()
    {
        // libtorch's own strided 1×1 input-gradient kernel dies with SIGFPE here (SegAhnet's deepest downsampling).
        manual_seed(1);
        using var layer = new ConvolutionLayer(3, 512, 1024, [1, 1, 1], [2, 2, 1]);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 1, 512, 8, 8, 8 }).requires_grad_(true);
        var y = layer.call(x);
        y.sum().backward();

        var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
        var (y64, w64) = Float64Reference.Conv3d(layer, x64, strides: [2, 2, 1]);
        y64.sum().backward();

        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 1024, 4, 4, 8 }));
        Assert.That((y.to(ScalarType.Float64) - y64).abs().max().item<double>(), Is.LessThan(1e-3));
        Assert.That((x.grad!.to(ScalarType.Float64) - x64.grad!).abs().max().item<double>(), Is.LessThan(1e-3));
        Assert.That((layer.Weight.grad!.to(ScalarType.Float64) - w64.grad!).abs().max().item<double>() / w64.grad!.abs().max().item<double>(), Is.LessThan(1e-5));
    }
}
