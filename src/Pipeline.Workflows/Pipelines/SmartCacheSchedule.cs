using Pipeline.Data;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Which data-list items Smart Cache holds in each epoch: a window of N items sliding by R items per epoch over a fixed circular order.</summary>
/// <remarks>
/// As Clara's Smart Cache (and MONAI's SmartCacheDataset after it): the window of epoch e is the items at positions
/// e·R … e·R + N − 1 (mod the data-list length) of the order, so each epoch R items leave, the next R in the order enter,
/// and every item passes through the cache. R = min(⌈N·r⌉, length − N), so the leaving and entering items never overlap.
/// The order is the data list's, or a permutation drawn once from the seed when shuffling; the schedule depends on nothing else.
/// </remarks>
public sealed class SmartCacheSchedule
{
    private readonly int[] _order;

    /// <summary>Creates the schedule.</summary>
    /// <param name="itemCount">Items in the data list.</param>
    /// <param name="cacheSize">Clara's <c>num_cache_objects</c> (capped at <paramref name="itemCount"/>).</param>
    /// <param name="replacePercent">Clara's <c>replace_percent</c>, in [0, 1].</param>
    /// <param name="shuffle">Cycle through a permutation of the data list drawn from <paramref name="seed"/>.</param>
    /// <param name="seed">Run seed.</param>
    public SmartCacheSchedule(int itemCount, int cacheSize, double replacePercent, bool shuffle, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheSize, 1);
        if (!(replacePercent is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(replacePercent), replacePercent, "must be in [0, 1]");
        CacheSize = Math.Min(cacheSize, itemCount);
        ReplaceCount = Math.Min((int)Math.Ceiling(CacheSize * replacePercent), itemCount - CacheSize);
        _order = Enumerable.Range(0, itemCount).ToArray();
        if (!shuffle) return;
        // Item index -2 keeps this stream apart from the epoch order (-1) and from every per-sample stream.
        var random = new SampleRandom(new SampleInfo(-2, "smart cache order", seed), 0);
        for (var i = _order.Length - 1; i > 0; i--)
        {
            var j = (int)random.NextInt64(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    /// <summary>N: items the cache holds.</summary>
    public int CacheSize { get; }

    /// <summary>R: items replaced at every epoch boundary.</summary>
    public int ReplaceCount { get; }

    /// <summary>The data-list indices cached during <paramref name="epoch"/>, in window order.</summary>
    public IReadOnlyList<int> Window(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (_order.Length == 0) return [];
        var start = (long)epoch * ReplaceCount % _order.Length;
        return Enumerable.Range(0, CacheSize).Select(k => _order[(start + k) % _order.Length]).ToList();
    }

    /// <summary>The items that enter the cache for epoch <paramref name="epoch"/> + 1, in the order they are prepared.</summary>
    public IReadOnlyList<int> Entering(int epoch) => Window(epoch + 1).Except(Window(epoch)).ToList();
}
