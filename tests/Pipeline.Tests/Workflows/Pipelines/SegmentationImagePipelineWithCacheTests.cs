using System.Collections.Concurrent;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Transforms.Crops;
using Pipeline.Transforms.Intensity;
using Pipeline.Transforms.Loading;
using Pipeline.Transforms.Spatial;
using Pipeline.Workflows.Pipelines;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Pipelines;

/// <summary>Smart Cache: each epoch visits the cached window, the deterministic prefix runs once per cached item, replacements follow the schedule, and batches depend on the seed alone.</summary>
public sealed class SegmentationImagePipelineWithCacheTests
{
    private static SegmentationImagePipelineWithCache Create(SyntheticDatalist data, int cache, double replace, int batchSize = 2, int workers = 1,
        int replaceWorkers = 1, bool shuffle = true, int prefetch = 0) =>
        new(data.DatalistFile, data.Folder, "training", [4, 4, 4], cache, replace, replaceWorkers, batchSize, 1, 1, false, workers, prefetch,
            shuffle, repeat: false);

    /// <summary>Load, a recorder (deterministic, so cached), a random crop, noise added in place and a flip (the random rest).</summary>
    private static TransformChain Chain(ITransform? cached = null, ITransform? rest = null) =>
        new([
            new LoadNifti(["image", "label"]), .. cached is null ? Array.Empty<ITransform>() : [cached],
            new CropFixedSizeRandomCenter([4, 4, 4], ["image", "label"]),
            new AddGaussianNoise(["image"], probability: 1.0, variance: 4.0), new RandomAxisFlip(["image", "label"]),
            .. rest is null ? Array.Empty<ITransform>() : [rest],
        ]);

    private sealed record Batch(int[] Items, float[] Image, float[] Label);

    private static List<Batch> Run(IImagePipeline pipeline, TransformChain chain, int epoch, long seed = 11)
    {
        var result = new List<Batch>();
        foreach (var batch in pipeline.Epoch(chain, [], epoch, seed, CancellationToken.None))
            using (batch)
                result.Add(new Batch(batch.Samples.Select(s => s.Index).ToArray(), batch.Get("image", "test").data<float>().ToArray(),
                    batch.Get("label", "test").to_type(ScalarType.Float32).data<float>().ToArray()));
        return result;
    }

    [Test]
    public void EachEpochVisitsTheScheduledWindowOnceAndEveryItemIsEventuallySeen()
    {
        using var data = new SyntheticDatalist(10);
        using var pipeline = Create(data, cache: 4, replace: 0.5);
        var chain = Chain();
        var schedule = new SmartCacheSchedule(10, 4, 0.5, shuffle: true, seed: 11);
        var seen = new HashSet<int>();
        HashSet<int>? previous = null;
        for (var epoch = 0; epoch < 5; epoch++)
        {
            var batches = Run(pipeline, chain, epoch);
            var items = batches.SelectMany(b => b.Items).ToList();
            Assert.That(batches.Count, Is.EqualTo(2), "4 cached items in batches of 2");
            Assert.That(items, Is.EquivalentTo(schedule.Window(epoch)), $"epoch {epoch} visits its window, each item once");
            // The image's voxels are 1000·item + offset (noise is small beside that): the content is the item's.
            foreach (var b in batches)
                Assert.That(b.Image.Chunk(64).Select(v => (int)Math.Round(v.Min() / 1000)), Is.EqualTo(b.Items));
            if (previous is not null) Assert.That(items.Except(previous).Count(), Is.EqualTo(2), $"epoch {epoch}: ⌈4·0.5⌉ items replaced");
            previous = [.. items];
            seen.UnionWith(items);
        }
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 10)), "the cache cycled through the whole data list");
        Assert.That(pipeline.ItemCount, Is.EqualTo(4));
    }

    [Test]
    public void TheDeterministicPrefixRunsOncePerCachedItemAndTheRandomRestEveryEpoch()
    {
        using var data = new SyntheticDatalist(6);
        var prefix = new RecordingTransform();
        var rest = new RecordingTransform();
        using (var pipeline = Create(data, cache: 4, replace: 0.0, workers: 3))
        {
            var chain = Chain(prefix, rest);
            for (var epoch = 0; epoch < 5; epoch++) Run(pipeline, chain, epoch);
        }
        Assert.That(prefix.Items.Count, Is.EqualTo(4), "one prefix run per cached item, not one per epoch");
        Assert.That(prefix.Items.Distinct().Count(), Is.EqualTo(4));
        Assert.That(rest.Items.Count, Is.EqualTo(5 * 4), "the random rest runs on every visit");
        Assert.That(prefix.Threads, Has.None.StartWith("image pipeline worker"), "batch producers never rerun the prefix");
    }

    [Test]
    public void ReplacementsArePreparedByTheBackgroundWorkerOncePerEntry()
    {
        using var data = new SyntheticDatalist(10);
        var prefix = new RecordingTransform();
        using var pipeline = Create(data, cache: 4, replace: 0.5, replaceWorkers: 2);
        var chain = Chain(prefix);
        var schedule = new SmartCacheSchedule(10, 4, 0.5, shuffle: true, seed: 11);
        const int epochs = 4;
        for (var epoch = 0; epoch < epochs; epoch++) Run(pipeline, chain, epoch);
        // Opening the next epoch waits for its replacements; those of the epoch after may already be under way.
        using (var next = pipeline.Epoch(chain, [], epochs, 11, CancellationToken.None).GetEnumerator())
        {
            Assert.That(next.MoveNext(), Is.True);
            next.Current.Dispose();
        }
        var entries = new Dictionary<int, int>();
        foreach (var item in schedule.Window(0)) entries[item] = 1;
        for (var epoch = 0; epoch < epochs; epoch++)
            foreach (var item in schedule.Entering(epoch)) entries[item] = entries.GetValueOrDefault(item) + 1;
        var counts = prefix.Items.GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        var underWay = schedule.Entering(epochs).ToHashSet();
        foreach (var item in Enumerable.Range(0, 10))
        {
            var expected = entries.GetValueOrDefault(item);
            if (underWay.Contains(item)) Assert.That(counts.GetValueOrDefault(item), Is.InRange(expected, expected + 1), $"item {item}");
            else Assert.That(counts.GetValueOrDefault(item), Is.EqualTo(expected), $"item {item}: prefix runs = times it entered the cache");
        }
        Assert.That(prefix.Threads.Count(t => t.StartsWith("smart cache replacement", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(epochs * 2));
        Assert.That(prefix.Threads.Count(t => t.StartsWith("smart cache fill", StringComparison.Ordinal)), Is.EqualTo(4), "only the first window is filled on the spot");
    }

    [Test]
    public void TheSameSeedGivesTheSameBatchesWhateverTheNumberOfWorkers()
    {
        using var data = new SyntheticDatalist(9);
        var chain = Chain();
        List<List<Batch>> Epochs(int workers, int replaceWorkers)
        {
            using var pipeline = Create(data, cache: 4, replace: 0.25, workers: workers, replaceWorkers: replaceWorkers, prefetch: 2);
            return Enumerable.Range(0, 4).Select(e => Run(pipeline, chain, e)).ToList();
        }
        var one = Epochs(1, 1);
        var three = Epochs(3, 2);
        for (var e = 0; e < one.Count; e++)
        {
            Assert.That(three[e].Count, Is.EqualTo(one[e].Count));
            for (var b = 0; b < one[e].Count; b++)
            {
                Assert.That(three[e][b].Items, Is.EqualTo(one[e][b].Items), $"epoch {e} batch {b} items");
                Assert.That(three[e][b].Image, Is.EqualTo(one[e][b].Image), $"epoch {e} batch {b} image");
                Assert.That(three[e][b].Label, Is.EqualTo(one[e][b].Label), $"epoch {e} batch {b} label");
            }
        }
        Assert.That(one[2].SelectMany(b => b.Image), Is.Not.EqualTo(one[1].SelectMany(b => b.Image)), "epochs differ");
    }

    [Test]
    public void CachedSamplesGetTheSameRandomRestAsUncachedOnesAndStayUntouchedByInPlaceTransforms()
    {
        using var data = new SyntheticDatalist(5);
        var chain = Chain();
        using var cached = Create(data, cache: 5, replace: 0.0, shuffle: false);
        var uncached = new SegmentationImagePipeline(data.DatalistFile, data.Folder, "training", [4, 4, 4], 2, 1, 1, false, 1, 0, shuffle: false, repeat: false);
        for (var epoch = 0; epoch < 3; epoch++)
        {
            var a = Run(cached, chain, epoch);
            var b = Run(uncached, chain, epoch);
            Assert.That(a.Select(x => x.Items), Is.EqualTo(b.Select(x => x.Items)));
            Assert.That(a.Select(x => x.Image), Is.EqualTo(b.Select(x => x.Image)), $"epoch {epoch}: images (noise is added in place on the copy)");
            Assert.That(a.Select(x => x.Label), Is.EqualTo(b.Select(x => x.Label)), $"epoch {epoch}: labels");
        }
    }

    [Test]
    public void StartingAtALaterEpochGivesTheBatchesOfAnUninterruptedRun()
    {
        using var data = new SyntheticDatalist(8);
        var chain = Chain();
        using var straight = Create(data, cache: 4, replace: 0.5);
        for (var epoch = 0; epoch < 3; epoch++) Run(straight, chain, epoch);
        var expected = Run(straight, chain, 3);
        using var resumed = Create(data, cache: 4, replace: 0.5);
        var actual = Run(resumed, chain, 3);
        Assert.That(actual.Select(b => b.Items), Is.EqualTo(expected.Select(b => b.Items)));
        Assert.That(actual.Select(b => b.Image), Is.EqualTo(expected.Select(b => b.Image)));
    }

    [TestCase(1)]
    [TestCase(6)]
    public void ABrokenItemIsNamedWhenItEntersTheCache(int brokenItem)
    {
        // Item 1 is in the first window; item 6 arrives through the background replacement later.
        using var data = new SyntheticDatalist(8, brokenItem: brokenItem);
        using var pipeline = Create(data, cache: 4, replace: 0.5, shuffle: false);
        var chain = Chain();
        var error = Assert.Throws<ImagePipelineException>(() =>
        {
            for (var epoch = 0; epoch < 4; epoch++) Run(pipeline, chain, epoch);
        });
        Assert.That(error!.Message, Does.Contain($"training[{brokenItem}]").And.Contain($"img{brokenItem}.nii.gz"));
    }

    [Test]
    public void FillingTheCacheHappensInsideTheFirstMoveNextWhereAConsumerTimesItsWait()
    {
        using var data = new SyntheticDatalist(6);
        var prefix = new RecordingTransform();
        using var pipeline = Create(data, cache: 3, replace: 0.5);
        using var epoch = pipeline.Epoch(Chain(prefix), [], 0, 1, CancellationToken.None).GetEnumerator();
        Assert.That(prefix.Items, Is.Empty, "asking for the epoch does no work yet");
        Assert.That(epoch.MoveNext(), Is.True);
        epoch.Current.Dispose();
        Assert.That(prefix.Items.Count, Is.GreaterThanOrEqualTo(3), "the first batch waited for the cache to fill");
    }

    [Test]
    public void OnlyOneEpochRunsAtATime()
    {
        using var data = new SyntheticDatalist(4);
        using var pipeline = Create(data, cache: 2, replace: 0.5);
        var chain = Chain();
        using var first = pipeline.Epoch(chain, [], 0, 1, CancellationToken.None).GetEnumerator();
        Assert.That(first.MoveNext(), Is.True);
        first.Current.Dispose();
        Assert.Throws<InvalidOperationException>(() => Run(pipeline, chain, 1));
        first.Dispose();
        Assert.That(Run(pipeline, chain, 1), Is.Not.Empty);
    }
}

/// <summary>Records the item and the thread of every sample it sees.</summary>
internal sealed class RecordingTransform : ITransform
{
    private readonly ConcurrentQueue<(int Item, string Thread)> _seen = new();

    public IReadOnlyList<int> Items => _seen.Select(s => s.Item).ToList();

    public IReadOnlyList<string> Threads => _seen.Select(s => s.Thread).ToList();

    public bool IsDeterministic => true;

    public void Apply(TransformContext context) => _seen.Enqueue((context.Sample.Index, Thread.CurrentThread.Name ?? ""));
}
