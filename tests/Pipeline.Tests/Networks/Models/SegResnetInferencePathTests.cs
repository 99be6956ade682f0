using NUnit.Framework;
using Pipeline.Networks.Layers;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegResnet without autograd (channels-last kernels, fused norm and ReLU, voxel pairs) gives what its recorded path gives.</summary>
public sealed class SegResnetInferencePathTests
{
    [TestCase("softmax", 2)]
    [TestCase("softmax", 3)]
    [TestCase("linear", 2)]
    public void InferenceMatchesTheRecordedPath(string activation, int classes)
    {
        manual_seed(31);
        using var model = new SegResnet(numClasses: classes, initFilters: 8, finalActivation: activation);
        model.eval();
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 1, 32, 24, 16 });
        var recorded = model.call(x);

        Tensor inferred;
        using (no_grad())
            inferred = model.call(x);

        Assert.That(recorded.requires_grad, Is.True, "the reference went through the autograd path");
        Assert.That(inferred.shape, Is.EqualTo(recorded.shape));
        var scale = recorded.abs().max().item<float>();
        Assert.That((inferred - recorded).abs().max().item<float>() / scale, Is.LessThan(1e-4f));
        if (activation == "softmax")
            Assert.That((inferred.sum(1) - 1).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void Bf16InferenceAgreesWithFp32()
    {
        manual_seed(32);
        using var model = new SegResnet(numClasses: 2, initFilters: 8);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(new long[] { 2, 1, 32, 32, 32 });
        var expected = model.call(x);
        model.to(ScalarType.BFloat16);

        var actual = model.call(x.to(ScalarType.BFloat16));

        Assert.That(ChannelsLast.Holds(actual) || actual.is_contiguous(), Is.True);
        Assert.That((actual.to(ScalarType.Float32) - expected).abs().max().item<float>(), Is.LessThan(0.03f));
    }
}
