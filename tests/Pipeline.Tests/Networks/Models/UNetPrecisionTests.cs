using NUnit.Framework;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>The two seed U-Nets give bf16 results close to fp32 when module and input are cast (there is no autocast).</summary>
public sealed class UNetPrecisionTests
{
    private static float RelativeBf16Deviation(nn.Module<Tensor, Tensor> model, long[] inputShape)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(inputShape, generator: new Generator(4));
        var expected = model.call(x);
        model.to(ScalarType.BFloat16);
        var actual = model.call(x.to(ScalarType.BFloat16));
        Assert.That(actual.dtype, Is.EqualTo(ScalarType.BFloat16));
        return (actual.to(ScalarType.Float32) - expected).abs().max().item<float>();
    }

    [Test]
    public void UNet3DInBf16StaysCloseToFp32()
    {
        manual_seed(21);
        // Four output classes and 12-wide levels are channel counts the CPU bf16 kernels get wrong unguarded.
        using var model = new UNet3D(numClasses: 4, inChannels: 1, filters: [12, 24, 24]);
        Assert.That(RelativeBf16Deviation(model, [1, 1, 16, 16, 16]), Is.LessThan(0.05f));
    }

    [Test]
    public void UNet2DInBf16StaysCloseToFp32()
    {
        manual_seed(22);
        using var model = new UNet2D(numClasses: 2, inChannels: 1, features: [8, 24, 40]);
        Assert.That(RelativeBf16Deviation(model, [1, 1, 32, 32]), Is.LessThan(0.05f));
    }
}
