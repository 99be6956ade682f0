using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Pipeline.ImageIO.Nifti;

/// <summary>
/// Streams voxel bytes from a <see cref="NiftiSource"/> through a few unit-sized buffers straight into the reordered
/// target: while this thread decompresses one unit, helper threads reorder the previous ones. No full-size copy of the
/// file layout is ever made, and the buffers are reused while still warm in cache.
/// </summary>
internal static unsafe class StreamingVoxelReader
{
    /// <summary>Below this, threads cost more than they save: decompress and reorder on this thread.</summary>
    private const long OverlapThresholdBytes = 16 << 20;

    /// <summary>Reads all of <paramref name="plan"/>'s units from <paramref name="source"/>, byte-swapping when <paramref name="swap"/> is set, and reorders them.</summary>
    public static void Read(NiftiSource source, FortranToCOrder plan, bool swap)
    {
        var helpers = plan.SourceBytes < OverlapThresholdBytes ? 0 : Math.Clamp(Environment.ProcessorCount - 1, 1, 3);
        // One buffer per helper, one being filled, one spare so the reader rarely waits.
        var slots = new IntPtr[helpers == 0 ? 1 : helpers + 2];
        try
        {
            for (var s = 0; s < slots.Length; s++)
                slots[s] = (IntPtr)NativeMemory.AlignedAlloc((nuint)plan.MaxUnitBytes, 64);
            if (helpers == 0) ReadOnThisThread(source, plan, swap, (byte*)slots[0]);
            else ReadOverlapped(source, plan, swap, slots, helpers);
        }
        finally
        {
            foreach (var slot in slots)
                if (slot != IntPtr.Zero) NativeMemory.AlignedFree((void*)slot);
        }
    }

    private static void ReadOnThisThread(NiftiSource source, FortranToCOrder plan, bool swap, byte* buffer)
    {
        var scratch = new byte[FortranToCOrder.ScratchBytes];
        for (long unit = 0; unit < plan.UnitCount; unit++)
        {
            Fill(source, plan, unit, buffer, swap);
            plan.CopyUnit(unit, buffer, scratch);
        }
    }

    private static void ReadOverlapped(NiftiSource source, FortranToCOrder plan, bool swap, IntPtr[] slots, int helperCount)
    {
        // Free buffers travel as (-1, slot), filled ones as (unit, slot); one element type lets this thread wait on both queues.
        using var free = new BlockingCollection<(long Unit, IntPtr Slot)>();
        using var filled = new BlockingCollection<(long Unit, IntPtr Slot)>();
        using var stop = new CancellationTokenSource();
        foreach (var slot in slots) free.Add((-1, slot));
        var scratch = new byte[FortranToCOrder.ScratchBytes];

        var helpers = Enumerable.Range(0, helperCount).Select(_ => Task.Factory.StartNew(() =>
        {
            try
            {
                var helperScratch = new byte[FortranToCOrder.ScratchBytes];
                foreach (var (unit, slot) in filled.GetConsumingEnumerable(stop.Token))
                {
                    plan.CopyUnit(unit, (byte*)slot, helperScratch);
                    free.Add((-1, slot));
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch
            {
                // Unblock the reader, which may be waiting for a free buffer that will never come.
                stop.Cancel();
                throw;
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        try
        {
            BlockingCollection<(long Unit, IntPtr Slot)>[] queues = [free, filled];
            for (long unit = 0; unit < plan.UnitCount; unit++)
            {
                // When no buffer is free, reorder a filled one here rather than wait: decompression (or plain reading)
                // may be outpacing the helpers, or the helpers may not be getting a core.
                var from = BlockingCollection<(long Unit, IntPtr Slot)>.TakeFromAny(queues, out var item, stop.Token);
                if (from == 1)
                {
                    plan.CopyUnit(item.Unit, (byte*)item.Slot, scratch);
                }
                Fill(source, plan, unit, (byte*)item.Slot, swap);
                filled.Add((unit, item.Slot));
            }
            filled.CompleteAdding();
            foreach (var (unit, slot) in filled.GetConsumingEnumerable(stop.Token))
                plan.CopyUnit(unit, (byte*)slot, scratch);
            Task.WaitAll(helpers);
        }
        catch (OperationCanceledException)
        {
            // Only a failed helper cancels; its exception is the one to report.
            Task.WaitAll(helpers);
            throw;
        }
        catch
        {
            stop.Cancel();
            try { Task.WaitAll(helpers); } catch (AggregateException) { }
            throw;
        }
    }

    private static void Fill(NiftiSource source, FortranToCOrder plan, long unit, byte* buffer, bool swap)
    {
        var length = plan.SourceRun(unit).Length;
        // A unit is at most 64 slices of a block; slices beyond 2 GiB would need more than one read.
        for (long offset = 0; offset < length; offset += int.MaxValue & ~7)
        {
            var chunk = new Span<byte>(buffer + offset, (int)Math.Min(int.MaxValue & ~7, length - offset));
            source.ReadExactly(chunk, "the voxel data");
            if (swap) ReverseEndianness(chunk, plan.ElementSize);
        }
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
}
