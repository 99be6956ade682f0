using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Pipeline.Transforms.Nifti;

/// <summary>
/// Streams voxel bytes from a <see cref="NiftiSource"/> into a buffer in chunks while other threads reorder the parts
/// already read, so that for large images the axis reorder costs little beyond decompression itself.
/// </summary>
internal static unsafe class OverlappedVoxelReader
{
    /// <summary>Read granularity: a multiple of every element size, small enough that helpers start early.</summary>
    private const int ChunkBytes = 4 << 20;

    /// <summary>Below this, threads cost more than they save: read everything, then reorder on this thread.</summary>
    private const long OverlapThresholdBytes = 16 << 20;

    /// <summary>
    /// Fills <paramref name="raw"/> (<paramref name="totalBytes"/> long) from <paramref name="source"/>, byte-swapping when
    /// <paramref name="swap"/> is set, and runs every unit of <paramref name="plan"/>, whose source is <paramref name="raw"/>.
    /// </summary>
    public static void Read(NiftiSource source, FortranToCOrder plan, byte* raw, long totalBytes, bool swap)
    {
        var progress = new Progress(plan);
        var helpers = totalBytes < OverlapThresholdBytes
            ? []
            : Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount - 1, 1, 3))
                .Select(_ => Task.Factory.StartNew(progress.Work, TaskCreationOptions.LongRunning))
                .ToArray();
        try
        {
            for (long offset = 0; offset < totalBytes; offset += ChunkBytes)
            {
                var chunk = new Span<byte>(raw + offset, (int)Math.Min(ChunkBytes, totalBytes - offset));
                source.ReadExactly(chunk, "the voxel data");
                if (swap) ReverseEndianness(chunk, plan.ElementSize);
                progress.Publish(offset + chunk.Length);
            }
        }
        catch
        {
            progress.Abort();
            // The helpers only wait or copy; once aborted they stop, and the read error is the one worth reporting.
            try { Task.WaitAll(helpers); } catch (AggregateException) { }
            throw;
        }
        progress.Work();
        Task.WaitAll(helpers);
    }

    private static void ReverseEndianness(Span<byte> bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                var shorts = MemoryMarshal.Cast<byte, short>(bytes);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, int>(bytes);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, long>(bytes);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }

    /// <summary>How far the source has been filled, and which reorder units have been claimed.</summary>
    private sealed class Progress(FortranToCOrder plan)
    {
        private readonly object _gate = new();
        private long _readyBytes;
        private long _nextUnit;
        private bool _aborted;

        public void Publish(long readyBytes)
        {
            lock (_gate)
            {
                _readyBytes = readyBytes;
                Monitor.PulseAll(_gate);
            }
        }

        public void Abort()
        {
            lock (_gate)
            {
                _aborted = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Claims units in source order and reorders each once its bytes are in; returns when none are left.</summary>
        public void Work()
        {
            var scratch = new byte[FortranToCOrder.ScratchBytes];
            while (true)
            {
                var unit = Interlocked.Increment(ref _nextUnit) - 1;
                if (unit >= plan.UnitCount) return;
                var needed = plan.SourceEnd(unit);
                lock (_gate)
                {
                    while (_readyBytes < needed && !_aborted) Monitor.Wait(_gate);
                    if (_aborted) return;
                }
                plan.CopyUnit(unit, scratch);
            }
        }
    }
}
