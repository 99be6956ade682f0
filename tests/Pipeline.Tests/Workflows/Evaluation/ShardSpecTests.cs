using NUnit.Framework;
using Pipeline.Workflows.Evaluation;

namespace Pipeline.Tests.Workflows.Evaluation;

/// <summary>Shards come from --shard I/N, a Slurm array task or a Kubernetes Indexed Job, and split a list into disjoint strides.</summary>
public sealed class ShardSpecTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void ShardsSplitTheListIntoDisjointStridesCoveringEveryItem()
    {
        var shards = Enumerable.Range(0, 3).Select(i => ShardSpec.Parse($"{i}/3")).ToList();
        var taken = shards.SelectMany(s => Enumerable.Range(0, 10).Where(s.Includes)).Order().ToList();

        Assert.That(taken, Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(Enumerable.Range(0, 10).Where(shards[1].Includes), Is.EqualTo(new[] { 1, 4, 7 }));
    }

    [TestCase("3/3")]
    [TestCase("-1/3")]
    [TestCase("1/0")]
    [TestCase("1")]
    [TestCase("a/b")]
    public void MalformedShardsAreRefusedWithWhatIsAccepted(string text) =>
        Assert.That(() => ShardSpec.Parse(text), Throws.ArgumentException);

    [Test]
    public void SlurmArrayTasksCountFromTheirMinimumIndex() =>
        Assert.That(ShardSpec.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1"))),
            Is.EqualTo(new ShardSpec(2, 3)));

    [Test]
    public void AKubernetesIndexNeedsTheShardCount()
    {
        Assert.That(() => ShardSpec.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "2"))), Throws.ArgumentException.With.Message.Contains("--shard-count"));
        Assert.That(ShardSpec.Resolve(null, 4, Env(("JOB_COMPLETION_INDEX", "2"))), Is.EqualTo(new ShardSpec(2, 4)));
    }

    [Test]
    public void TheCommandLineWinsOverTheEnvironmentAndNothingMeansNoShard()
    {
        Assert.That(ShardSpec.Resolve("0/2", null, Env(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "2"))), Is.EqualTo(new ShardSpec(0, 2)));
        Assert.That(ShardSpec.Resolve(null, null, Env()), Is.Null);
    }

    [Test]
    public void SummaryStatisticsLeaveNaNOutAndCountIt()
    {
        var s = MetricSummary.Of([0.5, double.NaN, 0.9, 0.1, 0.7]);

        Assert.That((s.Count, s.NaNCount), Is.EqualTo((5, 1)));
        Assert.That(s.Mean, Is.EqualTo(0.55).Within(1e-12));
        Assert.That(s.Median, Is.EqualTo(0.6).Within(1e-12), "mean of the two middle values");
        Assert.That(s.Std, Is.EqualTo(Math.Sqrt((0.0025 + 0.1225 + 0.2025 + 0.0225) / 4)).Within(1e-12), "population std");
        Assert.That((s.Min, s.Max), Is.EqualTo((0.1, 0.9)));
    }
}
