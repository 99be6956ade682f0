using NUnit.Framework;
using Pipeline.Workflows.Training;

namespace Pipeline.Tests.Workflows.Training;

/// <summary>The float16 loss scale halves on overflow (skipping the step) and doubles after a run of good steps.</summary>
public sealed class DynamicLossScalerTests
{
    [Test]
    public void OverflowSkipsTheStepAndHalvesTheScale()
    {
        var scaler = new DynamicLossScaler(initialScale: 1024, growthInterval: 3);

        Assert.That(scaler.Update(gradientsFinite: false), Is.False);
        Assert.That(scaler.Scale, Is.EqualTo(512));
    }

    [Test]
    public void AFullIntervalOfGoodStepsDoublesTheScaleAndAnOverflowRestartsTheCount()
    {
        var scaler = new DynamicLossScaler(initialScale: 8, growthInterval: 3);

        Assert.That(new[] { scaler.Update(true), scaler.Update(true) }, Is.All.True);
        Assert.That(scaler.Scale, Is.EqualTo(8));
        scaler.Update(false);
        scaler.Update(true);
        scaler.Update(true);
        Assert.That(scaler.Scale, Is.EqualTo(4), "the overflow restarted the count");
        scaler.Update(true);
        Assert.That(scaler.Scale, Is.EqualTo(8));
    }

    [Test]
    public void TheScaleNeverDropsBelowOne()
    {
        var scaler = new DynamicLossScaler(initialScale: 2, growthInterval: 10);
        for (var i = 0; i < 5; i++) scaler.Update(false);

        Assert.That(scaler.Scale, Is.EqualTo(1));
    }
}
