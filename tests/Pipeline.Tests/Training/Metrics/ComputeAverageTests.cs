using NUnit.Framework;
using Pipeline.Training.Metrics;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Metrics;

/// <summary>Clara's average of a scalar field, from per-batch scalars and per-sample tensors.</summary>
public sealed class ComputeAverageTests
{
    [Test]
    public void BatchScalarGoesToEverySampleOfTheBatch()
    {
        var metric = new ComputeAverage("negloss", name: "val_negloss");
        metric.Update(new Dictionary<string, Tensor> { ["negloss"] = tensor(-0.5f) }, ["a", "b"]);
        metric.Update(new Dictionary<string, Tensor> { ["negloss"] = tensor(-0.2f) }, ["c"]);
        var result = metric.Aggregate();
        Assert.That(metric.Name, Is.EqualTo("val_negloss"));
        Assert.That(result.PerSample.Select(p => p.Value), Is.EqualTo(new[] { -0.5, -0.5, -0.2 }).Within(1e-6));
        Assert.That(result.Value, Is.EqualTo(-0.4).Within(1e-6));
    }

    [Test]
    public void PerSampleFieldIsAveragedWithinEachSample()
    {
        var metric = new ComputeAverage("dice_tc", negateValue: true);
        metric.Update(new Dictionary<string, Tensor> { ["dice_tc"] = tensor(new[] { 1.0, 3.0, 5.0, double.NaN }, [2, 2]) }, ["a", "b"]);
        var result = metric.Aggregate();
        Assert.That(metric.Name, Is.EqualTo("ComputeAverage"));
        Assert.That(result.PerSample[0].Value, Is.EqualTo(-2.0));
        Assert.That(result.PerSample[1].Value, Is.NaN);
        Assert.That(result.Value, Is.EqualTo(-2.0));
        Assert.That(result.NaNCount, Is.EqualTo(1));
    }

    [Test]
    public void FieldWithTheWrongBatchSizeIsRejected()
    {
        var metric = new ComputeAverage("loss");
        var error = Assert.Throws<ArgumentException>(() => metric.Update(new Dictionary<string, Tensor> { ["loss"] = zeros(3) }, ["a", "b"]));
        Assert.That(error!.Message, Does.Contain("B = 2"));
    }
}
