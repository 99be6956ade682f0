using NUnit.Framework;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>SegResnet's in-place activations leave autograd intact: a training pass reaches every parameter.</summary>
public sealed class SegResnetTrainingPassTests
{
    [Test]
    public void BackwardReachesEveryParameterWithFiniteGradients()
    {
        manual_seed(4);
        using var model = new SegResnet(numClasses: 2, initFilters: 4, groupNormGroups: 2, finalActivation: "linear");
        model.train();
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 2, 1, 16, 16, 16 });

        model.call(x).square().mean().backward();

        foreach (var (name, p) in model.named_parameters())
        {
            Assert.That(p.grad, Is.Not.Null, name);
            Assert.That(p.grad!.isfinite().all().item<bool>(), Is.True, name);
        }
        Assert.That(model.named_parameters().Count(p => p.parameter.grad!.abs().sum().item<float>() > 0), Is.GreaterThan(model.parameters().Count() / 2));
    }
}
