using System.Runtime.ExceptionServices;
using Pipeline.Configuration.Documents;
using Pipeline.Data;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Clara's Smart Cache: the deterministic-prefix samples of the current window of a <see cref="SmartCacheSchedule"/>, and the next window's newcomers prepared in the background.</summary>
/// <remarks>
/// It holds at most N samples plus the R being prepared. The window is made resident when an epoch opens: the background
/// replacement is waited for and merged, leaving items are disposed, and anything still missing (the first epoch, or an epoch
/// that does not follow the previous one, as after a resume) is prepared on the spot. Contents depend only on (seed, epoch).
/// While an epoch is open its samples are only read, so producers copy them without locking.
/// </remarks>
internal sealed class SmartCache : IDisposable
{
    private readonly IReadOnlyList<DatalistItem> _items;
    private readonly int _cacheSize;
    private readonly double _replacePercent;
    private readonly bool _shuffle;
    private readonly int _fillWorkers;
    private readonly int _replaceWorkers;
    private readonly object _gate = new();
    private readonly Dictionary<int, TransformContext> _resident = [];
    private PrefixPreparation? _replacement;
    private TransformChain? _chain;
    private long _seed;
    private SmartCacheSchedule? _schedule;
    private bool _epochOpen;
    private bool _disposed;

    /// <summary>Creates an empty cache; nothing is prepared before the first epoch opens.</summary>
    /// <param name="items">The data list.</param>
    /// <param name="cacheSize">Clara's <c>num_cache_objects</c>.</param>
    /// <param name="replacePercent">Clara's <c>replace_percent</c>.</param>
    /// <param name="shuffle">Cycle through the data list in an order drawn from the seed.</param>
    /// <param name="fillWorkers">Threads preparing what an opening epoch still lacks.</param>
    /// <param name="replaceWorkers">Background threads preparing the next epoch's newcomers.</param>
    public SmartCache(IReadOnlyList<DatalistItem> items, int cacheSize, double replacePercent, bool shuffle, int fillWorkers, int replaceWorkers)
    {
        _items = items;
        _cacheSize = cacheSize;
        _replacePercent = replacePercent;
        _shuffle = shuffle;
        _fillWorkers = fillWorkers;
        _replaceWorkers = replaceWorkers;
    }

    /// <summary>Items whose prefix sample is held now (the current window once an epoch has opened; the newcomers being prepared are not counted).</summary>
    public int ResidentCount
    {
        get
        {
            lock (_gate) return _resident.Count;
        }
    }

    /// <summary>Opens <paramref name="epoch"/>: makes its window resident and starts preparing the next epoch's newcomers.</summary>
    /// <returns>The window's data-list indices.</returns>
    /// <exception cref="ImagePipelineException">An item of the window failed in the deterministic prefix.</exception>
    public IReadOnlyList<int> Open(TransformChain chain, int epoch, long seed, CancellationToken cancellation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_epochOpen) throw new InvalidOperationException("a Smart Cache pipeline runs one epoch at a time; finish (or dispose) the previous epoch's enumeration first");
            if (!ReferenceEquals(chain, _chain) || seed != _seed || _schedule is null)
            {
                // Another chain or seed makes other samples (and another order): start afresh.
                Clear();
                _chain = chain;
                _seed = seed;
                PrefixLength = chain.DeterministicPrefixLength;
                _schedule = new SmartCacheSchedule(_items.Count, _cacheSize, _replacePercent, _shuffle, seed);
            }
            var window = _schedule.Window(epoch);
            if (_replacement is not null)
            {
                _replacement.Wait();
                foreach (var (index, context) in _replacement.TakeResults()) Keep(index, context);
                _replacement.Dispose();
                _replacement = null;
            }
            foreach (var leaving in _resident.Keys.Except(window).ToList())
            {
                _resident[leaving].Dispose();
                _resident.Remove(leaving);
            }
            var missing = window.Where(i => !_resident.ContainsKey(i)).Select(i => _items[i]).ToList();
            if (missing.Count > 0)
            {
                using var fill = PrefixPreparation.Start(missing, chain, PrefixLength, seed, _fillWorkers, "smart cache fill", cancellation);
                fill.Wait();
                foreach (var (index, context) in fill.TakeResults()) Keep(index, context);
                cancellation.ThrowIfCancellationRequested();
                if (fill.FirstError() is { } error) ExceptionDispatchInfo.Capture(error).Throw();
            }
            var entering = _schedule.Entering(epoch);
            if (entering.Count > 0)
                _replacement = PrefixPreparation.Start(entering.Select(i => _items[i]).ToList(), chain, PrefixLength, seed, _replaceWorkers, "smart cache replacement");
            _epochOpen = true;
            return window;
        }
    }

    /// <summary>Length of the cached deterministic prefix of the current chain: the rest of the chain starts there.</summary>
    public int PrefixLength { get; private set; }

    /// <summary>A copy of a resident item's prefix sample under <paramref name="sample"/>'s identity, for the random rest of the chain.</summary>
    public TransformContext Copy(int index, SampleInfo sample) =>
        _resident.TryGetValue(index, out var context)
            ? context.CopyAs(sample)
            : throw new InvalidOperationException($"data-list item {index} is not in the Smart Cache's current window");

    /// <summary>Closes the open epoch; the next may now open.</summary>
    public void Close()
    {
        lock (_gate) _epochOpen = false;
    }

    private void Keep(int index, TransformContext context)
    {
        if (_resident.Remove(index, out var old)) old.Dispose();
        _resident[index] = context;
    }

    private void Clear()
    {
        _replacement?.Dispose();
        _replacement = null;
        foreach (var context in _resident.Values) context.Dispose();
        _resident.Clear();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Clear();
        }
    }
}
