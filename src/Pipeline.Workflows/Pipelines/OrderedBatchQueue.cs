using System.Runtime.ExceptionServices;
using Pipeline.Data;

namespace Pipeline.Workflows.Pipelines;

/// <summary>Hands batch indices to producers, at most <c>capacity</c> ahead of the consumer, and gives finished batches back in index order.</summary>
/// <remarks>Disposing it disposes every batch finished but not taken.</remarks>
public sealed class OrderedBatchQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<int, SampleBatch> _done = [];
    private readonly Dictionary<int, ExceptionDispatchInfo> _failed = [];
    private readonly int _count;
    private readonly int _capacity;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _wake;
    private int _claimed;
    private int _taken;
    private bool _disposed;

    /// <summary>Creates the queue for batches 0 … <paramref name="count"/>-1.</summary>
    public OrderedBatchQueue(int count, int capacity, CancellationToken cancellation)
    {
        _count = count;
        _capacity = capacity;
        _cancellation = cancellation;
        _wake = cancellation.Register(() => { lock (_gate) Monitor.PulseAll(_gate); });
    }

    /// <summary>Claims the next batch to make, waiting while producers are <c>capacity</c> batches ahead; false when all are claimed or on cancellation.</summary>
    public bool TryClaim(out int index)
    {
        lock (_gate)
        {
            while (!_cancellation.IsCancellationRequested && _claimed < _count && _claimed - _taken >= _capacity)
                Monitor.Wait(_gate);
            index = _claimed;
            if (_cancellation.IsCancellationRequested || _claimed >= _count) return false;
            _claimed++;
            return true;
        }
    }

    /// <summary>Stores a finished batch (disposed at once when the consumer has gone).</summary>
    public void Complete(int index, SampleBatch batch)
    {
        lock (_gate)
        {
            if (_disposed || _cancellation.IsCancellationRequested)
            {
                batch.Dispose();
                return;
            }
            _done[index] = batch;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Records that a batch failed; the consumer gets the exception when it reaches that batch.</summary>
    public void Fail(int index, Exception error)
    {
        lock (_gate)
        {
            _failed[index] = ExceptionDispatchInfo.Capture(error);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits for batch <paramref name="index"/> and hands it (and its ownership) to the caller.</summary>
    /// <exception cref="OperationCanceledException">The cancellation token fired.</exception>
    public SampleBatch Take(int index)
    {
        lock (_gate)
        {
            while (true)
            {
                _cancellation.ThrowIfCancellationRequested();
                if (_failed.TryGetValue(index, out var error)) error.Throw();
                if (_done.Remove(index, out var batch))
                {
                    _taken = index + 1;
                    Monitor.PulseAll(_gate);
                    return batch;
                }
                Monitor.Wait(_gate);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _wake.Dispose();
        lock (_gate)
        {
            _disposed = true;
            foreach (var batch in _done.Values) batch.Dispose();
            _done.Clear();
            Monitor.PulseAll(_gate);
        }
    }
}
