using NUnit.Framework;
using Pipeline.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Losses;

/// <summary>Cross-entropy and focal loss on probabilities, on closed-form cases.</summary>
public sealed class CrossEntropyAndFocalLossTests
{
    // Two voxels of a 3-class map: voxel 0 = (.7, .2, .1) with class 0, voxel 1 = (.1, .3, .6) with class 2.
    private static Tensor Prediction() => tensor(new float[] { 0.7f, 0.1f, 0.2f, 0.3f, 0.1f, 0.6f }, [1, 3, 1, 2]);

    private static Tensor Label() => tensor(new long[] { 0, 2 }, [1, 1, 1, 2]);

    private static double Compute(Pipeline.Training.ILoss loss, Tensor p, Tensor t)
    {
        using var scope = NewDisposeScope();
        return loss.Compute(p, t).item<float>();
    }

    [Test]
    public void CrossEntropyOfAKnownDistribution()
    {
        using var scope = NewDisposeScope();
        Assert.That(Compute(new CrossEntropyLoss(), Prediction(), Label()), Is.EqualTo(-(Math.Log(0.7) + Math.Log(0.6)) / 2).Within(1e-6));
        // Channel 0 left out: only voxel 1 (class 2) contributes, still averaged over both voxels.
        Assert.That(Compute(new CrossEntropyLoss(skipBackground: true), Prediction(), Label()), Is.EqualTo(-Math.Log(0.6) / 2).Within(1e-6));
    }

    [Test]
    public void CrossEntropyOfAZeroProbabilityIsClampedAndFinite()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new float[] { 0f, 1f }, [1, 2, 1, 1]);
        var t = tensor(new long[] { 0 }, [1, 1, 1, 1]);
        Assert.That(Compute(new CrossEntropyLoss(), p, t), Is.EqualTo(-Math.Log(1e-8)).Within(1e-4));
    }

    [Test]
    public void FocalWithGammaZeroIsCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var p = LossInputs.RandomProbabilities([2, 4, 3, 3, 3], seed: 11);
        var t = LossInputs.RandomLabels([2, 1, 3, 3, 3], 4, seed: 12);
        Assert.That(Compute(new FocalLoss(gamma: 0), p, t), Is.EqualTo(Compute(new CrossEntropyLoss(), p, t)).Within(1e-6));
        Assert.That(Compute(new FocalLoss(gamma: 2), p, t), Is.LessThan(Compute(new CrossEntropyLoss(), p, t)));
    }

    [Test]
    public void FocalOfAKnownDistribution()
    {
        using var scope = NewDisposeScope();
        var term0 = 0.3 * 0.3 * -Math.Log(0.7);
        var term1 = 0.4 * 0.4 * -Math.Log(0.6);
        Assert.That(Compute(new FocalLoss(), Prediction(), Label()), Is.EqualTo((term0 + term1) / 2).Within(1e-6));
        // alpha weighs background (channel 0) by 1 − α and the other channels by α.
        Assert.That(Compute(new FocalLoss(alpha: 0.25), Prediction(), Label()), Is.EqualTo((0.75 * term0 + 0.25 * term1) / 2).Within(1e-6));
        Assert.That(Compute(new FocalLoss(gamma: 1), Prediction(), Label()),
            Is.EqualTo((0.3 * -Math.Log(0.7) + 0.4 * -Math.Log(0.6)) / 2).Within(1e-6));
    }

    [Test]
    public void CombinedLossesAreWeightedSumsOfTheirTerms()
    {
        using var scope = NewDisposeScope();
        var p = LossInputs.RandomProbabilities([2, 3, 4, 4], seed: 21);
        var t = LossInputs.RandomLabels([2, 1, 4, 4], 3, seed: 22);
        var dice = Compute(new DiceLoss(skipBackground: true), p, t);
        var ce = Compute(new CrossEntropyLoss(), p, t);
        var focal = Compute(new FocalLoss(gamma: 2, alpha: 0.3), p, t);
        Assert.That(Compute(new CrossEntropyDiceLoss(), p, t), Is.EqualTo(Compute(new DiceLoss(), p, t) + ce).Within(1e-6));
        Assert.That(Compute(new CrossEntropyDiceLoss(skipBackground: true, lambdaDice: 0.5, lambdaCe: 2), p, t),
            Is.EqualTo(0.5 * dice + 2 * ce).Within(1e-6));
        Assert.That(Compute(new FocalDiceLoss(skipBackground: true, alpha: 0.3, lambdaFocal: 3), p, t),
            Is.EqualTo(dice + 3 * focal).Within(1e-6));
    }

    private static IEnumerable<TestCaseData> AllLosses()
    {
        yield return new TestCaseData(new DiceLoss()).SetArgDisplayNames("Dice");
        yield return new TestCaseData(new DiceLoss(squaredPred: true, jaccard: true, skipBackground: true)).SetArgDisplayNames("DiceSquaredJaccard");
        yield return new TestCaseData(new CrossEntropyLoss()).SetArgDisplayNames("CrossEntropy");
        yield return new TestCaseData(new FocalLoss(alpha: 0.25)).SetArgDisplayNames("Focal");
        yield return new TestCaseData(new CrossEntropyDiceLoss()).SetArgDisplayNames("CrossEntropyDice");
        yield return new TestCaseData(new FocalDiceLoss()).SetArgDisplayNames("FocalDice");
    }

    [TestCaseSource(nameof(AllLosses))]
    public void GradientsAreFiniteEvenAtZeroAndOneProbabilities(Pipeline.Training.ILoss loss)
    {
        using var scope = NewDisposeScope();
        // Saturated probabilities (exact 0 and 1) next to ordinary ones: log and pow must not produce inf/NaN gradients.
        var p = tensor(new float[] { 1, 0, 0.3f, 0, 0, 1, 0.7f, 1 }, [1, 2, 2, 2]).requires_grad_();
        var t = LossInputs.Labels(0, 0, 1, 1);
        var value = loss.Compute(p, t);
        value.backward();
        Assert.That(value.shape, Is.Empty);
        Assert.That(double.IsFinite(value.item<float>()), Is.True);
        Assert.That(p.grad!.isfinite().all().item<bool>(), Is.True, p.grad!.ToString());
        Assert.That(p.grad!.abs().sum().item<float>(), Is.GreaterThan(0));
    }
}
