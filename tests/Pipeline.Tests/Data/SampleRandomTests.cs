using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Tests.Data;

public sealed class SampleRandomTests
{
    private static double[] Draws(SampleInfo sample, int position, int count = 8)
    {
        var rng = new SampleRandom(sample, position);
        return Enumerable.Range(0, count).Select(_ => rng.NextDouble()).ToArray();
    }

    [Test]
    public void TheSameIdentityGivesTheSameStream() =>
        Assert.That(Draws(new SampleInfo(3, "a", Seed: 42, Epoch: 2), 1), Is.EqualTo(Draws(new SampleInfo(3, "b", Seed: 42, Epoch: 2), 1)));

    [TestCase(4, 42, 2, 1, TestName = "Another sample")]
    [TestCase(3, 43, 2, 1, TestName = "Another seed")]
    [TestCase(3, 42, 3, 1, TestName = "Another epoch")]
    [TestCase(3, 42, 2, 2, TestName = "Another chain position")]
    public void EachPartOfTheIdentityChangesTheStream(int index, long seed, int epoch, int position) =>
        Assert.That(Draws(new SampleInfo(index, "x", seed, epoch), position), Is.Not.EqualTo(Draws(new SampleInfo(3, "x", 42, 2), 1)));

    [Test]
    public void UniformDrawsAreUnbiased()
    {
        var rng = new SampleRandom(12345);
        var counts = new int[10];
        for (var i = 0; i < 100_000; i++) counts[rng.NextInt64(10)]++;
        Assert.That(counts, Has.All.InRange(9_600, 10_400));
        var mean = Enumerable.Range(0, 100_000).Select(_ => rng.NextGaussian()).Average();
        Assert.That(mean, Is.EqualTo(0).Within(0.02));
    }

    [Test]
    public void TheChainGivesEachTransformItsPosition()
    {
        var seen = new List<int>();
        var chain = new TransformChain([new PositionProbe(seen), new PositionProbe(seen), new PositionProbe(seen)]);
        using var context = new TransformContext(new SampleInfo(0, "x"));
        chain.Apply(context, from: 1);
        Assert.That(seen, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(new TransformChain([new PositionProbe(seen) { Deterministic = true }, new PositionProbe(seen), new PositionProbe(seen) { Deterministic = true }]).DeterministicPrefixLength, Is.EqualTo(1));
    }

    private sealed class PositionProbe(List<int> seen) : ITransform
    {
        public bool Deterministic { get; init; }

        public bool IsDeterministic => Deterministic;

        public void Apply(TransformContext context) => seen.Add(context.Position);
    }
}
