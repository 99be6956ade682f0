using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>Eight-float vector access to the storage of channels-last CPU tensors in bf16 or fp32, for the layers' fused kernels.</summary>
internal static class StoredVectors
{
    /// <summary>Floats per vector.</summary>
    public const int Lanes = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Load(IntPtr storage, long index, bool isBf16)
    {
        if (!isBf16) return Vector256.Load((float*)storage + index);
        // A bf16 value is the upper half of the float with the same bits.
        var halves = Vector128.Load((ushort*)storage + index);
        return Vector256.ShiftLeft(Vector256.WidenLower(halves.ToVector256Unsafe()), 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(IntPtr storage, long index, Vector256<float> value, bool isBf16)
    {
        if (!isBf16)
        {
            value.Store((float*)storage + index);
            return;
        }
        // Round to nearest even, as torch's float → bf16 conversion does; NaN keeps a set mantissa bit.
        var bits = value.AsUInt32();
        var rounded = bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256.Create(1u));
        var isNaN = ~Vector256.Equals(value, value).AsUInt32();
        var upper = Vector256.ConditionalSelect(isNaN, bits | Vector256.Create(0x00400000u), rounded) >> 16;
        Vector256.Narrow(upper, upper).GetLower().Store((ushort*)storage + index);
    }

    public static unsafe float Read(IntPtr storage, long index, bool isBf16) =>
        isBf16 ? BitConverter.UInt32BitsToSingle((uint)((ushort*)storage)[index] << 16) : ((float*)storage)[index];

    public static unsafe IntPtr AddressOf(Tensor x)
    {
        // The channels-last permutation is contiguous; a one-element view of it starts at the first stored value.
        using var first = x.permute(ChannelsLast.ToLast(x.dim())).reshape(-1).narrow(0, 0, 1);
        return (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }

    /// <summary>Runs <paramref name="work"/> on [first, last) ranges that split <paramref name="items"/> items among torch's threads.</summary>
    public static void ForEachPart(long items, Action<long, long> work)
    {
        var parts = Math.Max(1, get_num_threads());
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts },
            part => work(items * part / parts, items * (part + 1) / parts));
    }
}
