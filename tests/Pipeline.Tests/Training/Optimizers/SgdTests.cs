using NUnit.Framework;
using Pipeline.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static Pipeline.Tests.Training.Optimizers.OptimizerSteps;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Optimizers;

/// <summary>Our SGD, which holds its scalars for the whole step, against TorchSharp's: the same parameters bit for bit, and the same saved state.</summary>
public sealed class SgdTests
{
    [TestCase(0.0, 0.0, 0.0, false)]
    [TestCase(0.9, 0.0, 0.0, false)]
    [TestCase(0.9, 0.0, 0.01, true)]
    [TestCase(0.5, 0.2, 0.05, false)]
    public void MatchesTorchSharpsSgdBitForBit(double momentum, double dampening, double weightDecay, bool nesterov)
    {
        var (w1, b1) = Parameters(7);
        var (w2, b2) = Parameters(7);
        using var ours = new Pipeline.Training.Optimizers.SGD([w1, b1], 1e-2, momentum, dampening, weightDecay, nesterov);
        using var theirs = optim.SGD([w2, b2], 1e-2, momentum, dampening, weightDecay, nesterov);
        for (var step = 0; step < 6; step++)
        {
            var lr = 1e-2 * (1 - step / 10.0);
            Step(ours, w1, b1, step, lr);
            Step(theirs, w2, b2, step, lr);
        }
        Assert.That(w1.equal(w2).all().item<bool>(), Is.True, "weights differ");
        Assert.That(b1.equal(b2).all().item<bool>(), Is.True, "biases differ");
        Assert.That(w1.equal(Parameters(7).W).all().item<bool>(), Is.False, "the steps changed the weights");
    }

    [Test]
    public void SavesAndLoadsTheStateTorchSharpsSgdSaves()
    {
        var (w1, b1) = Parameters(3);
        var (w2, b2) = Parameters(3);
        using var theirs = optim.SGD([w1, b1], 1e-2, momentum: 0.9, nesterov: true);
        for (var step = 0; step < 3; step++) Step(theirs, w1, b1, step, 1e-2);
        using var saved = new MemoryStream();
        using (var writer = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) theirs.save_state_dict(writer);

        using (no_grad())
        {
            w2.copy_(w1);
            b2.copy_(b1);
        }
        using var ours = new Pipeline.Training.Optimizers.SGD([w2, b2], 1e-2, momentum: 0.9, nesterov: true);
        saved.Position = 0;
        using (var reader = new BinaryReader(saved)) ours.load_state_dict(reader);
        Step(theirs, w1, b1, 3, 1e-2);
        Step(ours, w2, b2, 3, 1e-2);

        Assert.That(w2.equal(w1).all().item<bool>(), Is.True, "a run saved by TorchSharp's SGD resumes identically with ours (momentum buffers included)");
        Assert.That(b2.equal(b1).all().item<bool>(), Is.True);
    }
}
