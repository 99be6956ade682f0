using NUnit.Framework;
using Pipeline.Training;
using Pipeline.Training.LrPolicies;

namespace Pipeline.Tests.Training.LrPolicies;

/// <summary>Clara's stateless learning-rate policies against their closed forms.</summary>
public sealed class LrPolicyTests
{
    private static LrPolicyContext At(int epoch, int epochs = 10, long step = 0, int stepsPerEpoch = 5, double baseLr = 0.01) =>
        new(baseLr, epoch, epochs, step, stepsPerEpoch);

    [TestCase(0, 0.01)]
    [TestCase(1, 0.01 * 0.9095325760829622)]  // (1 − 0.1)^0.9
    [TestCase(5, 0.01 * 0.5358867312681466)]  // 0.5^0.9
    [TestCase(9, 0.01 * 0.12589254117941673)] // 0.1^0.9
    public void ReducePolyFollowsThePolynomial(int epoch, double expected)
    {
        Assert.That(new ReducePolyPolicy().LearningRate(At(epoch)), Is.EqualTo(expected).Within(1e-12));
        Assert.That(new ReducePolyPolicy(2).LearningRate(At(epoch)), Is.EqualTo(0.01 * Math.Pow(1 - epoch / 10.0, 2)).Within(1e-12));
    }

    [Test]
    public void ReducePolyReachesZeroAtTheEndAndStaysThere()
    {
        Assert.That(new ReducePolyPolicy().LearningRate(At(10)), Is.EqualTo(0));
        Assert.That(new ReducePolyPolicy().LearningRate(At(12)), Is.EqualTo(0));
    }

    [TestCase(0, 0.01)]
    [TestCase(5, 0.005)]
    [TestCase(10, 0.0)]
    public void ReduceCosineIsAHalfCosineFromTheBaseRate(int epoch, double expected)
    {
        Assert.That(new ReduceCosinePolicy().LearningRate(At(epoch)), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void ReduceCosineAtAQuarterAndWithAnotherRate()
    {
        Assert.That(new ReduceCosinePolicy().LearningRate(At(1, epochs: 4)), Is.EqualTo(0.01 * 0.5 * (1 + Math.Sqrt(0.5))).Within(1e-12));
        Assert.That(new ReduceCosinePolicy(0.25).LearningRate(At(0)), Is.EqualTo(0.005).Within(1e-12));
    }

    [TestCase(0, 0.01)]
    [TestCase(99, 0.01)]
    [TestCase(100, 0.005)]
    [TestCase(250, 0.0025)]
    [TestCase(300, 0.00125)]
    public void DecayOnStepMultipliesEveryDecayFreqSteps(long step, double expected)
    {
        var policy = new DecayOnStepPolicy(decayRatio: 0.5, decayFreq: 100);
        Assert.That(policy.LearningRate(At(epoch: (int)(step / 5), epochs: 1000, step: step)), Is.EqualTo(expected).Within(1e-15));
    }

    [Test]
    public void AskingTwiceGivesTheSameRate()
    {
        ILrPolicy[] policies = [new ReducePolyPolicy(), new ReduceCosinePolicy(), new DecayOnStepPolicy(0.1, 3)];
        foreach (var policy in policies)
            Assert.That(policy.LearningRate(At(3, step: 17)), Is.EqualTo(policy.LearningRate(At(3, step: 17))), policy.GetType().Name);
    }

    [Test]
    public void ImpossibleContextsAreRejected()
    {
        Assert.That(() => new ReducePolyPolicy().LearningRate(At(0, epochs: 0)), Throws.ArgumentException);
        Assert.That(() => new ReduceCosinePolicy().LearningRate(At(-1)), Throws.ArgumentException);
        Assert.That(() => new DecayOnStepPolicy(0.5, 1).LearningRate(At(0, step: -1)), Throws.ArgumentException);
    }
}
