using NUnit.Framework;
using Pipeline.Networks.Models;
using Pipeline.Training.Losses;
using Pipeline.Workflows.Training;

using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Training;

/// <summary>Data-parallel replicas sum to the full batch's gradient; bf16 replicas give float32 master gradients close to float32 training.</summary>
public sealed class TrainingReplicasTests
{
    private static SegResnet Network(long seed)
    {
        manual_seed(seed);
        var network = new SegResnet(numClasses: 2, initFilters: 4, groupNormGroups: 2, blocksDown: [1, 1], blocksUp: [1]);
        network.train();
        return network;
    }

    private static (Tensor Image, Tensor Label) Batch()
    {
        var generator = new TorchSharp.torch.Generator(11);
        var image = randn([2, 1, 16, 16, 16], generator: generator);
        var label = (image > 0.3).to(ScalarType.Int64);
        return (image, label);
    }

    private static Tensor[] Gradients(nn.Module<Tensor, Tensor> network) =>
        [.. network.parameters().Select(p => p.grad!.detach().clone())];

    [Test]
    public void TwoReplicasWithOneSampleEachGiveTheGradientOfOneReplicaWithBoth()
    {
        using var scope = NewDisposeScope();
        var (image, label) = Batch();
        var loss = new CrossEntropyLoss();
        using var single = Network(5);
        using var alone = new TrainingReplicas(single, null, [], ScalarType.Float32);
        var lossAlone = alone.ComputeGradients(image, label, loss, []).Loss;
        var expected = Gradients(single);

        using var master = Network(5);
        using var pair = new TrainingReplicas(master, () => Network(99), [CPU, CPU], ScalarType.Float32);
        Assert.That(pair.UsesMaster, Is.False);
        Assert.That(pair.Count, Is.EqualTo(2));
        var lossPair = pair.ComputeGradients(image, label, loss, []).Loss;
        var actual = Gradients(master);

        Assert.That(lossPair, Is.EqualTo(lossAlone).Within(1e-5));
        for (var i = 0; i < expected.Length; i++)
        {
            var scale = expected[i].abs().max().item<float>() + 1e-8f;
            Assert.That((actual[i] - expected[i]).abs().max().item<float>() / scale, Is.LessThan(1e-4), $"parameter {i}");
        }

        // The same gradients make the same update.
        using var optimizerA = optim.SGD(single.parameters(), 0.1);
        using var optimizerB = optim.SGD(master.parameters(), 0.1);
        optimizerA.step();
        optimizerB.step();
        var after = single.parameters().Zip(master.parameters(), (a, b) => (a - b).abs().max().item<float>()).Max();
        Assert.That(after, Is.LessThan(1e-6));
    }

    [Test]
    public void ReplicasPickUpTheMastersWeightsBeforeEveryStep()
    {
        using var scope = NewDisposeScope();
        var (image, label) = Batch();
        var loss = new CrossEntropyLoss();
        using var master = Network(5);
        using var pair = new TrainingReplicas(master, () => Network(99), [CPU, CPU], ScalarType.Float32);
        using var optimizer = optim.Adam(master.parameters(), 0.01);
        for (var step = 0; step < 2; step++)
        {
            pair.ComputeGradients(image, label, loss, []);
            optimizer.step();
        }

        using var reference = Network(5);
        using var alone = new TrainingReplicas(reference, null, [], ScalarType.Float32);
        using var referenceOptimizer = optim.Adam(reference.parameters(), 0.01);
        for (var step = 0; step < 2; step++)
        {
            alone.ComputeGradients(image, label, loss, []);
            referenceOptimizer.step();
        }

        // Adam moves a weight by up to the learning rate (0.01) whatever its gradient's size, so summation-order rounding in
        // near-zero gradients shows up at ~1e-4; replicas computing gradients at their own initial weights would move weights elsewhere entirely.
        var difference = master.parameters().Zip(reference.parameters(), (a, b) => (a - b).abs().max().item<float>()).Max();
        Assert.That(difference, Is.LessThan(1e-3));
    }

    [Test]
    public void Bf16ReplicaGivesFloat32MasterGradientsCloseToFloat32Training()
    {
        using var scope = NewDisposeScope();
        var (image, label) = Batch();
        var loss = new CrossEntropyLoss();
        using var fp32 = Network(5);
        using var plain = new TrainingReplicas(fp32, null, [], ScalarType.Float32);
        plain.ComputeGradients(image, label, loss, []);
        var expected = cat(Gradients(fp32).Select(g => g.flatten()).ToArray());

        using var master = Network(5);
        using var mixed = new TrainingReplicas(master, () => Network(99), [], ScalarType.BFloat16);
        Assert.That(mixed.UsesMaster, Is.False);
        mixed.ComputeGradients(image, label, loss, []);
        var grads = master.parameters().Select(p => p.grad!).ToArray();
        Assert.That(grads.Select(g => g.dtype).Distinct(), Is.EqualTo(new[] { ScalarType.Float32 }));
        Assert.That(master.parameters().Select(p => p.dtype).Distinct(), Is.EqualTo(new[] { ScalarType.Float32 }));
        var actual = cat(grads.Select(g => g.flatten()).ToArray());

        var cosine = (expected * actual).sum() / (expected.norm() * actual.norm());
        // bf16 keeps 8 bits of mantissa, so gradients agree in direction, not digit for digit.
        Assert.That(cosine.item<float>(), Is.GreaterThan(0.97f));
    }

    [Test]
    public void LossScalingDividesTheScaleOutOfTheGradients()
    {
        using var scope = NewDisposeScope();
        var (image, label) = Batch();
        var loss = new CrossEntropyLoss();
        using var a = Network(5);
        new TrainingReplicas(a, null, [], ScalarType.Float32).ComputeGradients(image, label, loss, []);
        using var b = Network(5);
        new TrainingReplicas(b, null, [], ScalarType.Float32).ComputeGradients(image, label, loss, [], lossScale: 1024);

        var difference = Gradients(a).Zip(Gradients(b), (x, y) => ((x - y).abs().max() / (x.abs().max() + 1e-8)).item<float>()).Max();
        Assert.That(difference, Is.LessThan(1e-5));
    }
}
