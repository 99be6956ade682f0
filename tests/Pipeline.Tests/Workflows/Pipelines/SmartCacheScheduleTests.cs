using NUnit.Framework;
using Pipeline.Workflows.Pipelines;

namespace Pipeline.Tests.Workflows.Pipelines;

/// <summary>Smart Cache's window slides by ⌈N·r⌉ items per epoch over a seeded circular order and reaches every item.</summary>
public sealed class SmartCacheScheduleTests
{
    [TestCase(10, 4, 0.25, 1)]
    [TestCase(10, 4, 0.5, 2)]
    [TestCase(10, 4, 0.3, 2)]
    [TestCase(10, 4, 1.0, 4)]
    [TestCase(5, 4, 0.5, 1)]
    [TestCase(3, 10, 0.5, 0)]
    [TestCase(10, 4, 0.0, 0)]
    public void ReplaceCountIsCeilOfNTimesRateCappedByTheItemsOutsideTheCache(int items, int cache, double rate, int expected)
    {
        var schedule = new SmartCacheSchedule(items, cache, rate, shuffle: false, seed: 1);
        Assert.That(schedule.CacheSize, Is.EqualTo(Math.Min(items, cache)));
        Assert.That(schedule.ReplaceCount, Is.EqualTo(expected));
    }

    [TestCase(false, 10, 4, 0.5)]
    [TestCase(true, 10, 4, 0.5)]
    [TestCase(true, 7, 3, 0.34)]
    [TestCase(true, 9, 4, 1.0)]
    public void EachEpochReplacesRItemsAndEveryItemPassesThroughTheCache(bool shuffle, int items, int cache, double rate)
    {
        var schedule = new SmartCacheSchedule(items, cache, rate, shuffle, seed: 3);
        var seen = new HashSet<int>();
        var epochsToSeeAll = (int)Math.Ceiling((items - schedule.CacheSize) / (double)schedule.ReplaceCount) + 1;
        for (var epoch = 0; epoch < 3 * epochsToSeeAll; epoch++)
        {
            var window = schedule.Window(epoch);
            var next = schedule.Window(epoch + 1);
            Assert.That(window.Distinct().Count(), Is.EqualTo(schedule.CacheSize), $"epoch {epoch}: the window holds distinct items");
            Assert.That(next.Except(window).Count(), Is.EqualTo(schedule.ReplaceCount), $"epoch {epoch}: items replaced");
            Assert.That(schedule.Entering(epoch), Is.EquivalentTo(next.Except(window)));
            Assert.That(schedule.Entering(epoch), Is.EqualTo(next.TakeLast(schedule.ReplaceCount)), "newcomers take the places at the end of the window");
            Assert.That(next.Take(schedule.CacheSize - schedule.ReplaceCount), Is.EqualTo(window.Skip(schedule.ReplaceCount)), "the oldest items leave first");
            if (epoch < epochsToSeeAll) seen.UnionWith(window);
        }
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, items)), $"every item is cached within {epochsToSeeAll} epochs");
    }

    [Test]
    public void WithoutReplacementTheWindowNeverMoves()
    {
        var schedule = new SmartCacheSchedule(10, 4, 0.0, shuffle: true, seed: 3);
        Assert.That(Enumerable.Range(0, 5).Select(schedule.Window), Has.All.EqualTo(schedule.Window(0)));
        Assert.That(schedule.Entering(2), Is.Empty);
    }

    [Test]
    public void TheOrderIsTheDataListsOrAPermutationFixedByTheSeed()
    {
        Assert.That(new SmartCacheSchedule(10, 4, 0.5, shuffle: false, seed: 3).Window(1), Is.EqualTo(new[] { 2, 3, 4, 5 }));
        Assert.That(new SmartCacheSchedule(10, 4, 0.5, shuffle: false, seed: 3).Window(4), Is.EqualTo(new[] { 8, 9, 0, 1 }));
        var a = new SmartCacheSchedule(12, 12, 0.0, shuffle: true, seed: 3).Window(0);
        Assert.That(new SmartCacheSchedule(12, 12, 0.0, shuffle: true, seed: 3).Window(0), Is.EqualTo(a));
        Assert.That(new SmartCacheSchedule(12, 12, 0.0, shuffle: true, seed: 4).Window(0), Is.Not.EqualTo(a));
        Assert.That(a, Is.Not.EqualTo(Enumerable.Range(0, 12)));
        Assert.That(a.Order(), Is.EqualTo(Enumerable.Range(0, 12)));
    }
}
