using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Training;
using Pipeline.Training.LrPolicies;

namespace Pipeline.Tests.Training.LrPolicies;

/// <summary>ReduceOnPlateau: reductions after a number of validations without improvement (higher is better), and its checkpointed state.</summary>
public sealed class ReduceOnPlateauPolicyTests
{
    private static LrPolicyContext After(int validations, double? metric) => new(0.1, validations, 100, validations * 10L, 10, metric, validations);

    /// <summary>Feeds <paramref name="metrics"/> as successive validations and returns the rate after each.</summary>
    private static double[] Feed(ReduceOnPlateauPolicy policy, int startCount, params double[] metrics) =>
        metrics.Select((m, i) => policy.LearningRate(After(startCount + i + 1, m))).ToArray();

    [Test]
    public void ReducesAfterTriggerCountValidationsWithoutImprovement()
    {
        var policy = new ReduceOnPlateauPolicy(plateauCountTrigger: 2, reductionRate: 0.5);
        var rates = Feed(policy, 0, 0.5, 0.6, 0.6, 0.55, 0.7, 0.65, 0.69, 0.1, 0.2);
        // improve, improve, same (1), worse (2 → reduce), improve, worse (1), worse (2 → reduce), worse (1), worse (2 → reduce)
        Assert.That(rates, Is.EqualTo(new[] { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.0125 }).Within(1e-15));
    }

    [Test]
    public void EachValidationCountsOnceHoweverOftenTheRateIsAsked()
    {
        var policy = new ReduceOnPlateauPolicy(plateauCountTrigger: 1, reductionRate: 0.1);
        policy.LearningRate(After(1, 0.9));
        for (var i = 0; i < 5; i++) Assert.That(policy.LearningRate(After(2, 0.1)), Is.EqualTo(0.01).Within(1e-15));
        Assert.That(policy.LearningRate(new LrPolicyContext(0.1, 0, 100, 0, 10)), Is.EqualTo(0.01).Within(1e-15), "no new validation, no change");
    }

    [Test]
    public void NeverGoesBelowTheMinimumRate()
    {
        var policy = new ReduceOnPlateauPolicy(plateauCountTrigger: 1, reductionRate: 0.1, minLearningRate: 0.005);
        var rates = Feed(policy, 0, 1.0, 0.0, 0.0, 0.0);
        Assert.That(rates, Is.EqualTo(new[] { 0.1, 0.01, 0.005, 0.005 }).Within(1e-15));
    }

    [Test]
    public void StateRoundTripsSoAResumedRunContinuesIdentically()
    {
        var original = new ReduceOnPlateauPolicy(plateauCountTrigger: 3, reductionRate: 0.5);
        Feed(original, 0, 0.4, 0.8, 0.7, 0.6, 0.5, 0.3);   // one reduction, then one bad validation pending
        var saved = JsonNode.Parse(original.SaveState().ToJsonString())!.AsObject();

        var resumed = new ReduceOnPlateauPolicy(plateauCountTrigger: 3, reductionRate: 0.5);
        resumed.LoadState(saved);
        Assert.That(resumed.Factor, Is.EqualTo(0.5));
        var more = new[] { 0.75, 0.79, 0.9, 0.2 };
        Assert.That(Feed(resumed, 6, more), Is.EqualTo(Feed(original, 6, more)));
        Assert.That(resumed.LearningRate(After(9, 0.75)), Is.EqualTo(0.025).Within(1e-15), "0.75, 0.79 are not above the best 0.8: the third bad validation reduces");
    }

    [Test]
    public void FreshStateRoundTripsWithoutABestMetric()
    {
        var policy = new ReduceOnPlateauPolicy(2, 0.5);
        var state = policy.SaveState();
        Assert.That(state["best"], Is.Null);
        var copy = new ReduceOnPlateauPolicy(2, 0.5);
        copy.LoadState(JsonNode.Parse(state.ToJsonString())!.AsObject());
        Assert.That(Feed(copy, 0, -5.0, -6.0, -7.0), Is.EqualTo(new[] { 0.1, 0.1, 0.05 }));
    }

    [Test]
    public void MalformedStateIsRejected()
    {
        var policy = new ReduceOnPlateauPolicy(2, 0.5);
        Assert.That(() => policy.LoadState(new JsonObject { ["factor"] = 0.5 }), Throws.TypeOf<FormatException>());
        Assert.That(() => policy.LoadState(new JsonObject { ["best"] = 1, ["bad_count"] = 0, ["factor"] = 2.0, ["seen_validations"] = 1 }),
            Throws.TypeOf<FormatException>());
    }
}
