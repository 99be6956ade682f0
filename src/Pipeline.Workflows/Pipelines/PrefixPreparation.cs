using System.Collections.Concurrent;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using static TorchSharp.torch;
using Pipeline.Native;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Runs the deterministic prefix of a chain over data-list items on worker threads, keeping each item's sample or error.</summary>
/// <remarks>
/// A prefix sample depends only on its item (deterministic transforms draw nothing; the stream identity is fixed at epoch 0),
/// so which worker makes it, and when, changes nothing. Disposing stops the workers and disposes every sample not taken.
/// </remarks>
internal sealed class PrefixPreparation : IDisposable
{
    private readonly IReadOnlyList<DatalistItem> _items;
    private readonly ConcurrentDictionary<int, TransformContext> _done = new();
    private readonly ConcurrentDictionary<int, Exception> _failed = new();
    private readonly CancellationTokenSource _stop;
    private readonly List<Thread> _threads;
    private int _next = -1;

    private PrefixPreparation(IReadOnlyList<DatalistItem> items, TransformChain chain, int prefixLength, long seed, int workers, string name,
        CancellationToken cancellation)
    {
        _items = items;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _threads = Enumerable.Range(0, Math.Clamp(workers, 1, Math.Max(1, items.Count)))
            .Select(w => new Thread(() => Work(chain, prefixLength, seed)) { IsBackground = true, Name = $"{name} {w}" })
            .ToList();
        foreach (var thread in _threads) thread.Start();
    }

    /// <summary>Starts <paramref name="workers"/> threads preparing <paramref name="items"/>.</summary>
    public static PrefixPreparation Start(IReadOnlyList<DatalistItem> items, TransformChain chain, int prefixLength, long seed, int workers,
        string name, CancellationToken cancellation = default) =>
        new(items, chain, prefixLength, seed, workers, name, cancellation);

    /// <summary>Runs the prefix on one item: the sample every later epoch copies.</summary>
    /// <exception cref="ImagePipelineException">A transform failed; the message names the item.</exception>
    public static TransformContext Prepare(DatalistItem item, TransformChain chain, int prefixLength, long seed)
    {
        using var scope = NewDisposeScope();
        var context = DatalistSamples.CreateContext(item, seed, 0);
        try
        {
            chain.Apply(context, 0, prefixLength);
            // The sample outlives this scope: the cache owns its tensors until the item leaves.
            foreach (var field in context.Fields)
                foreach (var image in context.ImagesIn(field))
                    image.Data.DetachFromDisposeScope();
            return context;
        }
        catch (Exception e)
        {
            context.Dispose();
            throw new ImagePipelineException($"data-list item {item.JsonPath} ({DatalistSamples.Describe(item)}) failed in the cached pre-transforms: {NativeErrorText.Of(e)}", e);
        }
    }

    /// <summary>Waits until every item is prepared or has failed (or the preparation was cancelled).</summary>
    public void Wait()
    {
        foreach (var thread in _threads) thread.Join();
    }

    /// <summary>After <see cref="Wait"/>: the prepared samples by data-list index, handed to the caller.</summary>
    public Dictionary<int, TransformContext> TakeResults()
    {
        var results = new Dictionary<int, TransformContext>();
        foreach (var index in _done.Keys.ToList())
            if (_done.TryRemove(index, out var context)) results[index] = context;
        return results;
    }

    /// <summary>After <see cref="Wait"/>: the error of the first failed item in the given order, or null.</summary>
    public Exception? FirstError() => _items.Select(i => _failed.GetValueOrDefault(i.Index)).FirstOrDefault(e => e is not null);

    private void Work(TransformChain chain, int prefixLength, long seed)
    {
        // Grad mode is per thread; nothing here needs autograd.
        using var noGrad = no_grad();
        while (!_stop.IsCancellationRequested)
        {
            var position = Interlocked.Increment(ref _next);
            if (position >= _items.Count) return;
            var item = _items[position];
            try
            {
                _done[item.Index] = Prepare(item, chain, prefixLength, seed);
            }
            catch (Exception e)
            {
                _failed[item.Index] = e;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        Wait();
        foreach (var context in TakeResults().Values) context.Dispose();
        _stop.Dispose();
    }
}
