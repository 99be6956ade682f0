using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>Raw access to contiguous CPU tensor storage, in chunks so tensors beyond 2 GiB work too.</summary>
internal static class TensorBytes
{
    // Spans are int-indexed; copy in chunks well below that limit.
    private const int Chunk = 1 << 30;

    public static long ByteCount(Tensor tensor) => tensor.numel() * tensor.element_size();

    public static unsafe void Fill(Tensor tensor, Stream source)
    {
        var total = ByteCount(tensor);
        if (total == 0) return;
        var start = (byte*)Address(tensor);
        for (long done = 0; done < total;)
        {
            var n = (int)Math.Min(Chunk, total - done);
            source.ReadExactly(new Span<byte>(start + done, n));
            done += n;
        }
    }

    public static unsafe void Copy(Tensor tensor, Stream destination)
    {
        var total = ByteCount(tensor);
        if (total == 0) return;
        var start = (byte*)Address(tensor);
        for (long done = 0; done < total;)
        {
            var n = (int)Math.Min(Chunk, total - done);
            destination.Write(new ReadOnlySpan<byte>(start + done, n));
            done += n;
        }
    }

    /// <summary>True if every byte is 0 or 1: torch's bool ops assume that, other bytes give undefined results.</summary>
    public static unsafe bool AllZeroOrOne(Tensor tensor)
    {
        var total = ByteCount(tensor);
        if (total == 0) return true;
        var start = (byte*)Address(tensor);
        for (long done = 0; done < total;)
        {
            var n = (int)Math.Min(Chunk, total - done);
            if (new ReadOnlySpan<byte>(start + done, n).IndexOfAnyExcept((byte)0, (byte)1) >= 0) return false;
            done += n;
        }
        return true;
    }

    private static unsafe IntPtr Address(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("the tensor must be contiguous and on the CPU", nameof(tensor));
        // The bytes span of a one-element view starts at the tensor's first element whatever its size.
        using var flat = tensor.reshape(-1);
        using var first = flat.narrow(0, 0, 1);
        return (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }
}
