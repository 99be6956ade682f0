using NUnit.Framework;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Layers;

/// <summary>BatchNormLayer against TorchSharp's BatchNorm1d/2d/3d: the same outputs, running statistics and batch counter, step for step, and the same state dict.</summary>
public sealed class BatchNormLayerTests
{
    private static nn.Module<Tensor, Tensor> TorchSharps(int dims, long channels, double eps, double momentum) => dims switch
    {
        1 => nn.BatchNorm1d(channels, eps, momentum),
        2 => nn.BatchNorm2d(channels, eps, momentum),
        _ => nn.BatchNorm3d(channels, eps, momentum),
    };

    [TestCase(1, 1e-5, 0.1)]
    [TestCase(2, 1e-5, 0.1)]
    [TestCase(3, 1e-3, 0.01)]
    public void TrainsAndEvaluatesAsTorchSharpsBatchNorm(int dims, double eps, double momentum)
    {
        using var scope = NewDisposeScope();
        using var ours = new BatchNormLayer(dims, 4, eps, momentum);
        using var theirs = TorchSharps(dims, 4, eps, momentum);
        using (no_grad())
        {
            var generator = new Generator(5);
            foreach (var (name, p) in theirs.named_parameters())
                ours.get_parameter(name)!.copy_(p.copy_(randn(p.shape, generator: generator)));
        }
        var shape = new long[] { 3, 4 }.Concat(Enumerable.Repeat(5L, dims)).ToArray();
        for (var step = 0; step < 3; step++)
        {
            var x = randn(shape, generator: new Generator((ulong)(10 + step))) * 2 + 1;
            Assert.That(ours.call(x).equal(theirs.call(x)).all().item<bool>(), Is.True, $"training output of step {step}");
        }
        var ourState = ours.state_dict();
        var theirState = theirs.state_dict();
        Assert.That(ourState.Keys, Is.EqualTo(theirState.Keys), "state dict keys");
        foreach (var key in theirState.Keys)
            Assert.That(ourState[key].equal(theirState[key]).all().item<bool>(), Is.True, key);
        Assert.That(ourState["num_batches_tracked"].item<long>(), Is.EqualTo(3));

        ours.eval();
        theirs.eval();
        var probe = randn(shape, generator: new Generator(20));
        Assert.That(ours.call(probe).equal(theirs.call(probe)).all().item<bool>(), Is.True, "evaluation output");
        Assert.That(ourState["num_batches_tracked"].item<long>(), Is.EqualTo(3), "evaluation leaves the counter alone");
    }

    [Test]
    public void RejectsAnInputOfTheWrongRank()
    {
        using var norm = new BatchNormLayer(3, 2);
        using var x = zeros(2, 2, 4, 4);

        Assert.That(() => norm.call(x), Throws.ArgumentException.With.Message.Contains("expected 5D input"));
    }
}
