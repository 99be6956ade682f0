using NUnit.Framework;
using Pipeline.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Losses;

/// <summary>Clara's soft Dice on closed-form cases.</summary>
public sealed class DiceLossTests
{
    // Foreground probabilities and labels of the hand-worked 2×2 case:
    // channel 1: t = [1,0,1,1], p = [.9,.2,.6,.1] → I = 1.6, Σp = 1.8, Σt = 3, Σp² = 1.22
    // channel 0: t = [0,1,0,0], p = [.1,.8,.4,.9] → I = 0.8, Σp = 2.2, Σt = 1, Σp² = 1.62
    private static readonly float[] Foreground = [0.9f, 0.2f, 0.6f, 0.1f];
    private static readonly long[] Classes = [1, 0, 1, 1];

    private static double Loss(DiceLoss loss, Tensor prediction, Tensor label)
    {
        using var scope = NewDisposeScope();
        return loss.Compute(prediction, label).item<float>();
    }

    [Test]
    public void PerfectPredictionGivesZero()
    {
        using var scope = NewDisposeScope();
        var label = LossInputs.RandomLabels([2, 1, 3, 4, 5], 3, seed: 1);
        var perfect = nn.functional.one_hot(label.squeeze(1), 3).permute(0, 4, 1, 2, 3).to(ScalarType.Float32);
        Assert.That(Loss(new DiceLoss(), perfect, label), Is.EqualTo(0).Within(1e-5));
    }

    [Test]
    public void DisjointPredictionGivesOne()
    {
        using var scope = NewDisposeScope();
        var label = LossInputs.Labels(1, 0, 1, 1);
        var opposite = LossInputs.TwoClass(0, 1, 0, 0);
        Assert.That(Loss(new DiceLoss(), opposite, label), Is.EqualTo(1).Within(1e-6));
    }

    [Test]
    public void HandWorkedTwoByTwoCase()
    {
        using var scope = NewDisposeScope();
        var p = LossInputs.TwoClass(Foreground);
        var t = LossInputs.Labels(Classes);
        const double s = 1e-5;
        var dice1 = 3.2 / (4.8 + s);
        var dice0 = 1.6 / (3.2 + s);
        Assert.That(Loss(new DiceLoss(), p, t), Is.EqualTo(1 - (dice1 + dice0) / 2).Within(1e-6));
        Assert.That(Loss(new DiceLoss(skipBackground: true), p, t), Is.EqualTo(1 - dice1).Within(1e-6));
        Assert.That(Loss(new DiceLoss(squaredPred: true), p, t),
            Is.EqualTo(1 - (3.2 / (1.22 + 3 + s) + 1.6 / (1.62 + 1 + s)) / 2).Within(1e-6));
        Assert.That(Loss(new DiceLoss(jaccard: true), p, t),
            Is.EqualTo(1 - (3.2 / (2 * (4.8 - 1.6) + s) + 1.6 / (2 * (3.2 - 0.8) + s)) / 2).Within(1e-6));
        Assert.That(Loss(new DiceLoss(smooth: 1, topSmooth: 1), p, t),
            Is.EqualTo(1 - (4.2 / 5.8 + 2.6 / 4.2) / 2).Within(1e-6));
    }

    [Test]
    public void DiceIsPerSampleAndChannelThenAveraged()
    {
        using var scope = NewDisposeScope();
        // Sample 0 is perfect (dice 1, 1). Sample 1 has no foreground but predicts 0.5 everywhere:
        // channel 1 dice 0, channel 0 dice 2·1/(1+2) = 2/3. A batch-wide sum would give 1 − (2/3 + 4/5)/2 instead.
        var fg = tensor(new float[] { 0, 1, 0.5f, 0.5f }, [2, 1, 1, 2]);
        var p = cat([1 - fg, fg], 1);
        var t = tensor(new long[] { 0, 1, 0, 0 }, [2, 1, 1, 2]);
        Assert.That(Loss(new DiceLoss(), p, t), Is.EqualTo(1 - (1 + 1 + 0 + 2.0 / 3) / 4).Within(1e-5));
    }

    [Test]
    public void OneHotTargetsGiveTheSameLossAsAClassMap()
    {
        using var scope = NewDisposeScope();
        var p = LossInputs.RandomProbabilities([2, 3, 4, 4], seed: 5);
        var t = LossInputs.RandomLabels([2, 1, 4, 4], 3, seed: 6);
        var oneHot = nn.functional.one_hot(t.squeeze(1), 3).permute(0, 3, 1, 2);
        Assert.That(Loss(new DiceLoss(isOnehotTargets: true), p, oneHot), Is.EqualTo(Loss(new DiceLoss(), p, t)).Within(1e-6));
    }

    [Test]
    public void FloatLabelsFromImagesAreAccepted()
    {
        using var scope = NewDisposeScope();
        var p = LossInputs.TwoClass(Foreground);
        var t = LossInputs.Labels(Classes);
        Assert.That(Loss(new DiceLoss(), p, t.to(ScalarType.Float32)), Is.EqualTo(Loss(new DiceLoss(), p, t)).Within(1e-7));
    }

    [Test]
    public void BFloat16PredictionGivesAFloat32LossCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        var p = LossInputs.RandomProbabilities([1, 3, 4, 4, 4], seed: 9);
        var t = LossInputs.RandomLabels([1, 1, 4, 4, 4], 3, seed: 10);
        var bf16 = new DiceLoss().Compute(p.to(ScalarType.BFloat16), t);
        Assert.That(bf16.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(bf16.item<float>(), Is.EqualTo(Loss(new DiceLoss(), p, t)).Within(1e-2));
    }

    [Test]
    public void LabelsOutsideTheChannelsAndMismatchedShapesAreRejected()
    {
        using var scope = NewDisposeScope();
        var p = LossInputs.TwoClass(Foreground);
        Assert.That(() => new DiceLoss().Compute(p, LossInputs.Labels(0, 1, 2, 1)), Throws.ArgumentException.With.Message.Contains("[0, 1]"));
        Assert.That(() => new DiceLoss().Compute(p, zeros([1, 1, 2, 3], ScalarType.Int64)), Throws.ArgumentException.With.Message.Contains("[1, 1, 2, 2]"));
        Assert.That(() => new DiceLoss(isOnehotTargets: true).Compute(p, zeros([1, 3, 2, 2])), Throws.ArgumentException.With.Message.Contains("one-hot"));
    }
}
