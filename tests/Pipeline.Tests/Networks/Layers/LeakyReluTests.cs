using NUnit.Framework;
using Pipeline.Networks.Layers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>LeakyRelu gives TorchSharp's LeakyReLU output and gradient bit for bit.</summary>
public sealed class LeakyReluTests
{
    [TestCase(0.01)]
    [TestCase(0.2)]
    public void MatchesTorchSharpsLeakyRelu(double slope)
    {
        using var scope = NewDisposeScope();
        using var ours = new LeakyRelu(slope);
        using var theirs = nn.LeakyReLU(slope);
        var x1 = randn([2, 3, 4, 5], generator: new Generator(3)).requires_grad_();
        var x2 = x1.detach().clone().requires_grad_();

        var y1 = ours.call(x1);
        var y2 = theirs.call(x2);
        y1.sum().backward();
        y2.sum().backward();

        Assert.That(y1.equal(y2).all().item<bool>(), Is.True, "output");
        Assert.That(x1.grad!.equal(x2.grad!).all().item<bool>(), Is.True, "gradient");
        Assert.That(ours.NegativeSlope, Is.EqualTo(slope));
    }
}
