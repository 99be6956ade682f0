using NUnit.Framework;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>ConvolutionLayer's gradients match float64 for the output channel counts whose fp32 input-gradient kernel is unreliable on CPU.</summary>
public sealed class ConvolutionLayerGradientTests
{
    [TestCase(8, 8)]
    [TestCase(16, 8)]
    [TestCase(1, 8)]
    [TestCase(8, 2)]
    public void GradientsMatchFloat64(int inChannels, int outChannels)
    {
        // The library kernel fails intermittently, so several draws are checked.
        for (var draw = 0; draw < 4; draw++)
        {
            manual_seed(draw);
            using var layer = ConvolutionLayer.Conv3d(inChannels, outChannels, 3, padding: 1);
            using var reference = ConvolutionLayer.Conv3d(inChannels, outChannels, 3, padding: 1);
            using (no_grad())
            {
                reference.Weight.copy_(layer.Weight);
                reference.Bias!.copy_(layer.Bias!);
            }
            reference.to(ScalarType.Float64);
            using var scope = NewDisposeScope();
            var x = randn(new long[] { 2, inChannels, 64, 64, 32 }).requires_grad_(true);
            var upstream = randn(new long[] { 2, outChannels, 64, 64, 32 });
            layer.call(x).backward([upstream]);
            var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
            reference.call(x64).backward([upstream.to(ScalarType.Float64)]);

            var inputError = ((x.grad!.to(ScalarType.Float64) - x64.grad!).abs().max() / x64.grad!.abs().max()).item<double>();
            var weightError = ((layer.Weight.grad!.to(ScalarType.Float64) - reference.Weight.grad!).abs().max() / reference.Weight.grad!.abs().max()).item<double>();
            Assert.That(inputError, Is.LessThan(1e-5), $"input gradient, draw {draw}");
            Assert.That(weightError, Is.LessThan(1e-4), $"weight gradient, draw {draw}");
        }
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
        var w64 = layer.Weight.detach().to(ScalarType.Float64).requires_grad_(true);
        // float64 convolutions do not go through oneDNN.
        var y64 = nn.functional.conv3d(x64, w64, layer.Bias!.detach().to(ScalarType.Float64), strides: new long[] { 2, 2, 1 });
        y64.sum().backward();

        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 1024, 4, 4, 8 }));
        Assert.That((y.to(ScalarType.Float64) - y64).abs().max().item<double>(), Is.LessThan(1e-3));
        Assert.That((x.grad!.to(ScalarType.Float64) - x64.grad!).abs().max().item<double>(), Is.LessThan(1e-3));
        Assert.That((layer.Weight.grad!.to(ScalarType.Float64) - w64.grad!).abs().max().item<double>() / w64.grad!.abs().max().item<double>(), Is.LessThan(1e-5));
    }
}
