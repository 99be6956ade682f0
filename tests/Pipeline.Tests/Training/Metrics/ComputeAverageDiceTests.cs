using NUnit.Framework;
using Pipeline.Training;
using Pipeline.Training.Metrics;
using static Pipeline.Tests.Training.Metrics.MetricInputs;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Metrics;

/// <summary>Clara's mean Dice on hand-counted class maps: discretisation, background, empty labels and aggregation.</summary>
public sealed class ComputeAverageDiceTests
{
    // Class 1: P={1,2}, G={1,2,3} → 0.8; class 2: P={4,6}, G={4,5} → 0.5; class 0: P={0,3,5,7}, G={0,6,7} → 4/7.
    private static readonly long[] HandPrediction = [0, 1, 1, 0, 2, 0, 2, 0];
    private static readonly long[] HandLabel = [0, 1, 1, 1, 2, 2, 0, 0];

    private static MetricResult Run(ComputeAverageDice metric, Tensor model, Tensor label)
    {
        metric.Update(Fields(model, label), Ids((int)model.shape[0]));
        return metric.Aggregate();
    }

    [Test]
    public void PerfectPredictionIsOne()
    {
        long[] map = [0, 1, 1, 2, 2, 0];
        var result = Run(new ComputeAverageDice(), Probabilities(3, map), Labels(map));
        Assert.That(result.Value, Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void DisjointPredictionIsZero()
    {
        var result = Run(new ComputeAverageDice(), Probabilities(2, [1, 0, 0, 1]), Labels([0, 1, 1, 0]));
        Assert.That(result.Value, Is.EqualTo(0.0));
    }

    [Test]
    public void HandCountedOverlapWithoutBackground()
    {
        var metric = new ComputeAverageDice();
        var result = Run(metric, Probabilities(3, HandPrediction), Labels(HandLabel));
        Assert.That(result.Value, Is.EqualTo(0.65).Within(1e-12));
        Assert.That(metric.Classes, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(metric.PerClassMean, Is.EqualTo(new[] { 0.8, 0.5 }).Within(1e-12));
    }

    [Test]
    public void HandCountedOverlapWithBackground()
    {
        var metric = new ComputeAverageDice(removeBg: false);
        var result = Run(metric, Probabilities(3, HandPrediction), Labels(HandLabel));
        Assert.That(result.Value, Is.EqualTo((4.0 / 7 + 0.8 + 0.5) / 3).Within(1e-12));
        Assert.That(metric.Classes, Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void ArgmaxDecidesTheClassOfSoftProbabilities()
    {
        // Channel 1 wins at 0.4 over 0.3/0.3 although it is below 0.5.
        var model = tensor(new float[] { 0.3f, 0.8f, 0.4f, 0.1f, 0.3f, 0.1f }, [1, 3, 2]);
        var result = Run(new ComputeAverageDice(), model, Labels([1, 0]));
        Assert.That(result.Value, Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void SingleChannelIsThresholded()
    {
        var model = tensor(new float[] { 0.2f, 0.6f, 0.7f, 0.4f }, [1, 1, 4]);
        var label = Labels([0, 1, 0, 1]);
        // P={1,2}, G={1,3}.
        Assert.That(Run(new ComputeAverageDice(), model, label).Value, Is.EqualTo(0.5).Within(1e-12));
        // P={2}.
        Assert.That(Run(new ComputeAverageDice(logitThresh: 0.65), model, label).Value, Is.EqualTo(0.0));
        // Background too: P0={0,3}, G0={0,2} → 0.5; foreground 0.5.
        Assert.That(Run(new ComputeAverageDice(removeBg: false), model, label).Value, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void OneHotLabelsGiveTheSameDiceAsClassMaps()
    {
        var metric = new ComputeAverageDice(isOneHotTargets: true);
        var result = Run(metric, Probabilities(3, HandPrediction), OneHot(3, HandLabel));
        Assert.That(result.Value, Is.EqualTo(0.65).Within(1e-12));
        Assert.That(metric.PerClassMean, Is.EqualTo(new[] { 0.8, 0.5 }).Within(1e-12));
    }

    [Test]
    public void ClassMissingFromTheLabelIsLeftOutOfTheSampleMean()
    {
        // Class 1: P={1}, G={1,2} → 2/3; class 2 absent from the label although predicted → NaN, not 0.
        var result = Run(new ComputeAverageDice(), Probabilities(3, [0, 1, 2, 0]), Labels([0, 1, 1, 0]));
        Assert.That(result.Value, Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(result.NaNCount, Is.EqualTo(0));
    }

    [Test]
    public void SampleWithEmptyLabelIsNaNAndCounted()
    {
        var metric = new ComputeAverageDice();
        var result = Run(metric, Probabilities(2, [0, 1, 0, 0]), Labels([0, 0, 0, 0]));
        Assert.That(result.PerSample.Single().Value, Is.NaN);
        Assert.That(result.NaNCount, Is.EqualTo(1));
        Assert.That(result.Value, Is.NaN);
    }

    [Test]
    public void BatchesAggregateOverNonNaNSamplesWithPerClassMeans()
    {
        var metric = new ComputeAverageDice(name: "mean_dice");
        long[] perfect = [0, 1, 2, 2, 1, 0, 0, 0];
        metric.Update(Fields(Probabilities(3, HandPrediction, perfect), Labels(HandLabel, perfect)), ["a", "b"]);
        metric.Update(Fields(Probabilities(3, [0, 1, 2, 0, 0, 0, 0, 0]), Labels([0, 0, 0, 0, 0, 0, 0, 0])), ["c"]);
        var result = metric.Aggregate();
        Assert.That(metric.Name, Is.EqualTo("mean_dice"));
        Assert.That(result.PerSample.Select(p => p.Sample), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(result.PerSample[0].Value, Is.EqualTo(0.65).Within(1e-12));
        Assert.That(result.PerSample[1].Value, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(result.Value, Is.EqualTo(0.825).Within(1e-12));
        Assert.That(result.NaNCount, Is.EqualTo(1));
        Assert.That(metric.PerClassMean, Is.EqualTo(new[] { 0.9, 0.75 }).Within(1e-12));

        metric.Reset();
        Assert.That(metric.Aggregate().PerSample, Is.Empty);
        Assert.That(metric.PerClassMean, Is.Empty);
    }

    [Test]
    public void BadInputsAreRejectedWithWhatIsWrong()
    {
        var metric = new ComputeAverageDice();
        var missing = Assert.Throws<ArgumentException>(() => metric.Update(new Dictionary<string, Tensor> { ["model"] = Probabilities(2, [0, 1]) }, ["a"]));
        Assert.That(missing!.Message, Does.Contain("'label'"));
        var range = Assert.Throws<ArgumentException>(() => metric.Update(Fields(Probabilities(2, [0, 1]), Labels([0, 3])), ["a"]));
        Assert.That(range!.Message, Does.Contain("[0, 1]"));
        var ids = Assert.Throws<ArgumentException>(() => metric.Update(Fields(Probabilities(2, [0, 1]), Labels([0, 1])), ["a", "b"]));
        Assert.That(ids!.Message, Does.Contain("sample ids"));
    }
}
