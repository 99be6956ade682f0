using NUnit.Framework;
using Pipeline.Networks.Layers;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>ConvolutionLayer matches torch's convolutions in fp32 and stays correct in bf16 for channel counts the CPU bf16 kernels get wrong.</summary>
public sealed class ConvolutionLayerTests
{
    private static IEnumerable<TestCaseData> Layers()
    {
        foreach (var outChannels in new[] { 1, 4, 8, 20, 24, 32 })
        {
            yield return new TestCaseData(3, outChannels, false).SetArgDisplayNames($"conv3d out {outChannels}");
            yield return new TestCaseData(3, outChannels, true).SetArgDisplayNames($"convtranspose3d out {outChannels}");
        }
        yield return new TestCaseData(2, 8, false).SetArgDisplayNames("conv2d out 8");
        yield return new TestCaseData(2, 8, true).SetArgDisplayNames("convtranspose2d out 8");
    }

    [TestCaseSource(nameof(Layers))]
    public void Bf16OutputIsCloseToFp32(int spatialDims, int outChannels, bool transposed)
    {
        manual_seed(3);
        var kernel = Enumerable.Repeat(transposed ? 2L : 3L, spatialDims).ToArray();
        var stride = Enumerable.Repeat(transposed ? 2L : 1L, spatialDims).ToArray();
        var padding = Enumerable.Repeat(transposed ? 0L : 1L, spatialDims).ToArray();
        using var layer = new ConvolutionLayer(spatialDims, 16, outChannels, kernel, stride, padding, transposed: transposed);
        using var scope = NewDisposeScope();
        var x = randn([1, 16, .. Enumerable.Repeat(8L, spatialDims)]);
        var expected = layer.call(x);
        layer.to(ScalarType.BFloat16);

        var actual = layer.call(x.to(ScalarType.BFloat16));

        Assert.That(actual.dtype, Is.EqualTo(ScalarType.BFloat16));
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        var relative = ((actual.to(ScalarType.Float32) - expected).abs().max() / expected.abs().max()).item<float>();
        Assert.That(relative, Is.LessThan(0.02f));
    }

    [TestCase(24, 16, "fp32")]
    [TestCase(36, 8, "fp32")]
    [TestCase(124, 20, "fp32")]
    [TestCase(20, 16, "bf16")]
    [TestCase(1, 8, "bf16")]
    [TestCase(40, 8, "bf16")]
    public void InputChannelCountsTheKernelsGetWrongMatchFloat64(int inChannels, int outChannels, string precision)
    {
        var dtype = precision == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;
        manual_seed(13);
        // The single-channel case is wrong only with a 1×1 kernel; the others with in-plane 3×3.
        using var layer = inChannels == 1
            ? new ConvolutionLayer(3, inChannels, outChannels, [1, 1, 1])
            : new ConvolutionLayer(3, inChannels, outChannels, [3, 3, 1], padding: [1, 1, 0]);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 1, inChannels, 32, 32, 64 });
        layer.to(ScalarType.Float64);
        var expected = layer.call(x.to(ScalarType.Float64));
        layer.to(dtype);

        var actual = layer.call(x.to(dtype)).to(ScalarType.Float64);

        var relative = ((actual - expected).abs().max() / expected.abs().max()).item<double>();
        Assert.That(relative, Is.LessThan(dtype == ScalarType.BFloat16 ? 0.02 : 1e-5));
    }

    [Test]
    public void Fp32MatchesTheStockLayerWithTheSameWeights()
    {
        manual_seed(5);
        using var layer = ConvolutionLayer.Conv3d(3, 5, 3, stride: 2, padding: 1);
        using var stock = nn.Conv3d(3, 5, 3, stride: 2, padding: 1);
        using (no_grad())
        {
            stock.weight!.copy_(layer.Weight);
            stock.bias!.copy_(layer.Bias!);
        }
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 3, 9, 8, 7 });
        Assert.That((layer.call(x) - stock.call(x)).abs().max().item<float>(), Is.LessThan(1e-6f));
        Assert.That(layer.state_dict().Keys, Is.EquivalentTo(new[] { "weight", "bias" }));
    }

    [Test]
    public void InitialisationFollowsTheTorchSeed()
    {
        manual_seed(11);
        using var a = ConvolutionLayer.Conv3d(4, 8, 3);
        manual_seed(11);
        using var b = ConvolutionLayer.Conv3d(4, 8, 3);
        manual_seed(11);
        using var stock = nn.Conv3d(4, 8, 3);
        Assert.That(a.Weight.equal(b.Weight).all().item<bool>(), Is.True);
        Assert.That(a.Weight.equal(stock.weight!).all().item<bool>(), Is.True, "same init as nn.Conv3d");
    }

    [Test]
    public void SegResnetWithEightFiltersRunsCorrectlyInBf16()
    {
        manual_seed(7);
        using var model = new SegResnet(numClasses: 2, initFilters: 8, finalActivation: "linear");
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(new long[] { 1, 1, 32, 32, 32 });
        var expected = model.call(x);
        model.to(ScalarType.BFloat16);

        var actual = model.call(x.to(ScalarType.BFloat16)).to(ScalarType.Float32);

        var relative = ((actual - expected).abs().max() / expected.abs().max()).item<float>();
        Assert.That(relative, Is.LessThan(0.05f));
    }

    [Test]
    public void Float32ThreeDimensionalOutputIsChannelsLastAndMatchesFloat64()
    {
        // 24 input and 8 output channels: both counts the blocked-layout kernels get wrong.
        manual_seed(11);
        using var layer = ConvolutionLayer.Conv3d(24, 8, 3, padding: 1);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 24, 40, 32, 24 });
        var y = layer.call(x);
        var (expected, _) = Float64Reference.Conv3d(layer, x.to(ScalarType.Float64), padding: [1, 1, 1]);

        Assert.That(y.stride(1), Is.EqualTo(1), "channels are the innermost axis");
        Assert.That(Float64Reference.RelativeError(y, expected), Is.LessThan(1e-5));
    }

    [Test]
    public void AWidePointwiseConvolutionOverChannelsLastInputMatchesFloat64()
    {
        // oneDNN's own channels-last 1×1 kernel kills the process at this size.
        manual_seed(12);
        using var layer = ConvolutionLayer.Conv3d(512, 1024, 1);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 1, 8, 8, 4, 512 }).permute(0, 4, 1, 2, 3);
        var y = layer.call(x);
        var (expected, _) = Float64Reference.Conv3d(layer, x.to(ScalarType.Float64));

        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 1024, 8, 8, 4 }));
        Assert.That(Float64Reference.RelativeError(y, expected), Is.LessThan(1e-5));
    }

    [Test]
    public void ASingleSmallSampleGetsTheSameResultAndGradientsAsFloat64()
    {
        // One sample of 32 channels at 24³ is a case libtorch would hand to its slow native kernel; the layer routes it to oneDNN.
        manual_seed(13);
        using var layer = ConvolutionLayer.Conv3d(32, 32, 3, padding: 1);
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 1, 32, 24, 24, 24 }).requires_grad_(true);
        var upstream = randn(new long[] { 1, 32, 24, 24, 24 });
        var y = layer.call(x);
        y.backward([upstream]);
        var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
        var (y64, w64) = Float64Reference.Conv3d(layer, x64, padding: [1, 1, 1]);
        y64.backward([upstream.to(ScalarType.Float64)]);

        Assert.That(y.shape, Is.EqualTo(new long[] { 1, 32, 24, 24, 24 }));
        Assert.That(Float64Reference.RelativeError(y, y64), Is.LessThan(1e-5));
        Assert.That(Float64Reference.RelativeError(x.grad!, x64.grad!), Is.LessThan(1e-5));
        Assert.That(Float64Reference.RelativeError(layer.Weight.grad!, w64.grad!), Is.LessThan(1e-4));
    }

    [TestCase(24, 8, 3, 1)]
    [TestCase(8, 8, 3, 1)]
    [TestCase(16, 40, 3, 2)]
    [TestCase(1, 8, 3, 1)]
    [TestCase(1, 8, 5, 1)]
    public void Bf16InferenceRunsChannelsLastAndMatchesFloat64(int inChannels, int outChannels, int kernel, int stride)
    {
        // Counts the blocked bf16 kernels get wrong (24 in, 8 and 40 out), and the single channel read as voxel pairs.
        manual_seed(21);
        using var layer = ConvolutionLayer.Conv3d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(new long[] { 2, inChannels, 16, 12, 10 });
        var (expected, _) = Float64Reference.Conv3d(layer, x.to(ScalarType.Float64), padding: [kernel / 2, kernel / 2, kernel / 2], strides: [stride, stride, stride]);
        layer.to(ScalarType.BFloat16);

        var y = layer.call(x.to(ScalarType.BFloat16));

        Assert.That(ChannelsLast.Holds(y), Is.True);
        Assert.That(Float64Reference.RelativeError(y, expected), Is.LessThan(0.02));
    }

    [TestCase(3, 10)]
    [TestCase(5, 10)]
    [TestCase(3, 9)]
    public void ASingleChannelInputReadAsVoxelPairsMatchesFloat64(int kernel, int width)
    {
        // An odd width cannot be paired and takes the zero-companion path.
        manual_seed(22);
        using var layer = ConvolutionLayer.Conv3d(1, 8, kernel, padding: kernel / 2);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var batch in new long[] { 1, 3 })
        {
            var x = randn(new long[] { batch, 1, 7, 6, width });
            var (expected, _) = Float64Reference.Conv3d(layer, x.to(ScalarType.Float64), padding: [kernel / 2, kernel / 2, kernel / 2]);

            var y = layer.call(x);

            Assert.That(y.shape, Is.EqualTo(expected.shape));
            Assert.That(ChannelsLast.Holds(y), Is.True);
            Assert.That(Float64Reference.RelativeError(y, expected), Is.LessThan(1e-5));
        }
    }

    [TestCase(8, 2)]
    [TestCase(16, 8)]
    [TestCase(3, 5)]
    public void PointwiseLayersPackingVoxelsIntoRowsMatchFloat64WithGradients(int inChannels, int outChannels)
    {
        manual_seed(23);
        using var layer = ConvolutionLayer.Conv3d(inChannels, outChannels, 1);
        using var scope = NewDisposeScope();
        var x = ChannelsLast.Copy(randn(new long[] { 2, inChannels, 6, 4, 4 })).requires_grad_(true);
        var upstream = randn(new long[] { 2, outChannels, 6, 4, 4 });
        var x64 = x.detach().to(ScalarType.Float64).requires_grad_(true);
        var (expected, w64) = Float64Reference.Conv3d(layer, x64);
        expected.backward([upstream.to(ScalarType.Float64)]);

        var y = layer.call(x);
        y.backward([upstream]);

        Assert.That(Float64Reference.RelativeError(y, expected), Is.LessThan(1e-5));
        Assert.That(Float64Reference.RelativeError(x.grad!, x64.grad!), Is.LessThan(1e-5));
        Assert.That(Float64Reference.RelativeError(layer.Weight.grad!, w64.grad!), Is.LessThan(1e-5));
    }
}
