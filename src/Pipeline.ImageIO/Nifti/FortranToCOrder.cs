using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Pipeline.ImageIO.Nifti;

/// <summary>
/// Reorders voxel data from NIfTI's on-disk Fortran order (i fastest) to C order with the spatial axes first-to-last and
/// channels outermost, by cache-blocked transposes (SSE2 register transposes for 2- and 4-byte elements). The work is
/// cut into units that each read one contiguous run of source bytes, in source order, so a unit can be reordered as soon
/// as its bytes are decompressed (see <see cref="StreamingVoxelReader"/>). The writer runs the same reorder backwards:
/// C-order [C, i, j, k] is the Fortran layout of [k, j, i, C].
/// </summary>
/// <remarks>torch's generic permute+contiguous takes longer than decompression for a full axis reversal, hence this.</remarks>
internal sealed unsafe class FortranToCOrder
{
    /// <summary>Tile width along i, in elements (measured best with 64-slice bands: 128).</summary>
    private const int TileWidth = 128;

    /// <summary>
    /// Bounds on the number of k-slices per unit, which is also the length of each contiguous run written to the target:
    /// below 32 the partly written cache lines cost more than the transpose itself.
    /// </summary>
    private const int MinBand = 32, MaxBand = 64;

    /// <summary>Preferred source bytes per unit: 64 slices of a 512 × 512 int16 image.</summary>
    private const long PreferredUnitBytes = 32 << 20;

    /// <summary>Units stay below this even for huge slices, at the price of shorter runs, to bound the reader's buffers.</summary>
    private const long MaxUnitBytesCap = 256 << 20;

    private readonly byte* _target;
    private readonly long _ni, _nj, _nk;
    private readonly long[] _channelSizes;
    private readonly long _band;
    private readonly long _bandsPerBlock;

    /// <summary>
    /// Plans reordering a source that is C order of [dN … d4, k, j, i] (the Fortran bytes of [i, j, k, d4 … dN]) into
    /// <paramref name="target"/> as C order of [d4 … dN, i, j, k]. <paramref name="sizes"/> are the Fortran sizes
    /// [i, j, k, d4 … dN] (for 2-D data [i, 1, j]), of <paramref name="elementSize"/>-byte elements.
    /// </summary>
    public FortranToCOrder(IntPtr target, IReadOnlyList<long> sizes, int elementSize)
    {
        if (elementSize is not (1 or 2 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "element size must be 1, 2, 4 or 8");
        _target = (byte*)target;
        ElementSize = elementSize;
        (_ni, _nj, _nk) = (sizes[0], sizes[1], sizes[2]);
        _channelSizes = sizes.Skip(3).ToArray();
        var sliceBytes = _ni * _nj * elementSize;
        var band = Math.Clamp(PreferredUnitBytes / sliceBytes, MinBand, MaxBand);
        if (band * sliceBytes > MaxUnitBytesCap) band = Math.Max(1, MaxUnitBytesCap / sliceBytes);
        _band = Math.Min(_nk, band);
        _bandsPerBlock = (_nk + _band - 1) / _band;
        UnitCount = _channelSizes.Aggregate(1L, (a, b) => a * b) * _bandsPerBlock;
        MaxUnitBytes = _band * sliceBytes;
    }

    /// <summary>Bytes per element.</summary>
    public int ElementSize { get; }

    /// <summary>Number of units; their source runs tile the whole source in order.</summary>
    public long UnitCount { get; }

    /// <summary>Size of the whole source.</summary>
    public long SourceBytes => _channelSizes.Aggregate(1L, (a, b) => a * b) * BlockElements * ElementSize;

    /// <summary>The largest source run of any unit.</summary>
    public long MaxUnitBytes { get; }

    private long BlockElements => _ni * _nj * _nk;

    /// <summary>Where unit <paramref name="unit"/>'s source run starts and how long it is, in bytes.</summary>
    public (long Start, long Length) SourceRun(long unit)
    {
        var (block, band) = (unit / _bandsPerBlock, unit % _bandsPerBlock);
        var k0 = band * _band;
        var slices = Math.Min(_band, _nk - k0);
        return ((block * BlockElements + k0 * _nj * _ni) * ElementSize, slices * _nj * _ni * ElementSize);
    }

    /// <summary>Reorders unit <paramref name="unit"/> from its source run at <paramref name="source"/>; <paramref name="scratch"/> holds <see cref="ScratchBytes"/>.</summary>
    public void CopyUnit(long unit, byte* source, Span<byte> scratch)
    {
        switch (ElementSize)
        {
            case 1: CopyUnit<byte>(unit, source, scratch); break;
            case 2: CopyUnit(unit, (short*)source, MemoryMarshal.Cast<byte, short>(scratch)); break;
            case 4: CopyUnit(unit, (int*)source, MemoryMarshal.Cast<byte, int>(scratch)); break;
            default: CopyUnit(unit, (long*)source, MemoryMarshal.Cast<byte, long>(scratch)); break;
        }
    }

    /// <summary>Reorders everything from a complete source buffer, in parallel.</summary>
    public void CopyAll(IntPtr source) =>
        Parallel.For(0L, UnitCount, () => new byte[ScratchBytes], (unit, _, scratch) =>
        {
            CopyUnit(unit, (byte*)source + SourceRun(unit).Start, scratch);
            return scratch;
        }, _ => { });

    /// <summary>Size of the per-thread scratch tile.</summary>
    public static int ScratchBytes => MaxBand * TileWidth * sizeof(long);

    private void CopyUnit<T>(long unit, T* from, Span<T> scratch) where T : unmanaged
    {
        var (block, band) = (unit / _bandsPerBlock, unit % _bandsPerBlock);
        var to = (T*)_target + TargetChannel(block) * BlockElements;
        var k0 = band * _band;
        var kCount = (int)Math.Min(_band, _nk - k0);
        fixed (T* tile = scratch)
        {
            for (long j = 0; j < _nj; j++)
            for (long i0 = 0; i0 < _ni; i0 += TileWidth)
            {
                var iCount = (int)Math.Min(TileWidth, _ni - i0);
                // Source rows lie ni·nj elements apart, a power of two for typical sizes, which maps them all to one
                // cache set; copying each row segment whole into a compact tile avoids those conflict misses.
                for (var kk = 0; kk < kCount; kk++)
                    new ReadOnlySpan<T>(from + (kk * _nj + j) * _ni + i0, iCount).CopyTo(new Span<T>(tile + kk * TileWidth, iCount));
                ScatterTile(tile, to + (i0 * _nj + j) * _nk + k0, iCount, kCount);
            }
        }
    }

    /// <summary>Writes the tile's transpose: element (kk, ii) of the tile goes to <paramref name="to"/>[ii·nj·nk + kk].</summary>
    private void ScatterTile<T>(T* tile, T* to, int iCount, int kCount) where T : unmanaged
    {
        var rowStride = _nj * _nk;
        // Whole 8×8 (2-byte) or 4×4 (4-byte) blocks go through SSE2 register transposes; the JIT drops the untaken branches.
        var (iDone, kDone) = (0, 0);
        if (typeof(T) == typeof(short) && Sse2.IsSupported)
            (iDone, kDone) = Transpose8x8Blocks((short*)tile, (short*)to, iCount, kCount, rowStride);
        else if (typeof(T) == typeof(int) && Sse2.IsSupported)
            (iDone, kDone) = Transpose4x4Blocks((int*)tile, (int*)to, iCount, kCount, rowStride);
        for (var ii = 0; ii < iCount; ii++)
        {
            var write = to + ii * rowStride;
            var read = tile + ii;
            for (var kk = ii < iDone ? kDone : 0; kk < kCount; kk++)
                write[kk] = read[kk * TileWidth];
        }
    }

    /// <summary>Transposes the whole 8×8 blocks of a 2-byte tile; returns how many i and k it covered.</summary>
    private static (int I, int K) Transpose8x8Blocks(short* tile, short* to, int iCount, int kCount, long rowStride)
    {
        int iFull = iCount & ~7, kFull = kCount & ~7;
        for (var ii = 0; ii < iFull; ii += 8)
        for (var kk = 0; kk < kFull; kk += 8)
        {
            var src = tile + kk * TileWidth + ii;
            var a0 = Sse2.UnpackLow(Vector128.Load(src), Vector128.Load(src + TileWidth)).AsInt32();
            var a1 = Sse2.UnpackHigh(Vector128.Load(src), Vector128.Load(src + TileWidth)).AsInt32();
            var a2 = Sse2.UnpackLow(Vector128.Load(src + 2 * TileWidth), Vector128.Load(src + 3 * TileWidth)).AsInt32();
            var a3 = Sse2.UnpackHigh(Vector128.Load(src + 2 * TileWidth), Vector128.Load(src + 3 * TileWidth)).AsInt32();
            var a4 = Sse2.UnpackLow(Vector128.Load(src + 4 * TileWidth), Vector128.Load(src + 5 * TileWidth)).AsInt32();
            var a5 = Sse2.UnpackHigh(Vector128.Load(src + 4 * TileWidth), Vector128.Load(src + 5 * TileWidth)).AsInt32();
            var a6 = Sse2.UnpackLow(Vector128.Load(src + 6 * TileWidth), Vector128.Load(src + 7 * TileWidth)).AsInt32();
            var a7 = Sse2.UnpackHigh(Vector128.Load(src + 6 * TileWidth), Vector128.Load(src + 7 * TileWidth)).AsInt32();
            var b0 = Sse2.UnpackLow(a0, a2).AsInt64();
            var b1 = Sse2.UnpackHigh(a0, a2).AsInt64();
            var b2 = Sse2.UnpackLow(a1, a3).AsInt64();
            var b3 = Sse2.UnpackHigh(a1, a3).AsInt64();
            var b4 = Sse2.UnpackLow(a4, a6).AsInt64();
            var b5 = Sse2.UnpackHigh(a4, a6).AsInt64();
            var b6 = Sse2.UnpackLow(a5, a7).AsInt64();
            var b7 = Sse2.UnpackHigh(a5, a7).AsInt64();
            var dst = to + ii * rowStride + kk;
            Sse2.UnpackLow(b0, b4).AsInt16().Store(dst);
            Sse2.UnpackHigh(b0, b4).AsInt16().Store(dst + rowStride);
            Sse2.UnpackLow(b1, b5).AsInt16().Store(dst + 2 * rowStride);
            Sse2.UnpackHigh(b1, b5).AsInt16().Store(dst + 3 * rowStride);
            Sse2.UnpackLow(b2, b6).AsInt16().Store(dst + 4 * rowStride);
            Sse2.UnpackHigh(b2, b6).AsInt16().Store(dst + 5 * rowStride);
            Sse2.UnpackLow(b3, b7).AsInt16().Store(dst + 6 * rowStride);
            Sse2.UnpackHigh(b3, b7).AsInt16().Store(dst + 7 * rowStride);
        }
        return (iFull, kFull);
    }

    /// <summary>Transposes the whole 4×4 blocks of a 4-byte tile; returns how many i and k it covered.</summary>
    private static (int I, int K) Transpose4x4Blocks(int* tile, int* to, int iCount, int kCount, long rowStride)
    {
        int iFull = iCount & ~3, kFull = kCount & ~3;
        for (var ii = 0; ii < iFull; ii += 4)
        for (var kk = 0; kk < kFull; kk += 4)
        {
            var src = tile + kk * TileWidth + ii;
            var a0 = Sse2.UnpackLow(Vector128.Load(src), Vector128.Load(src + TileWidth)).AsInt64();
            var a1 = Sse2.UnpackHigh(Vector128.Load(src), Vector128.Load(src + TileWidth)).AsInt64();
            var a2 = Sse2.UnpackLow(Vector128.Load(src + 2 * TileWidth), Vector128.Load(src + 3 * TileWidth)).AsInt64();
            var a3 = Sse2.UnpackHigh(Vector128.Load(src + 2 * TileWidth), Vector128.Load(src + 3 * TileWidth)).AsInt64();
            var dst = to + ii * rowStride + kk;
            Sse2.UnpackLow(a0, a2).AsInt32().Store(dst);
            Sse2.UnpackHigh(a0, a2).AsInt32().Store(dst + rowStride);
            Sse2.UnpackLow(a1, a3).AsInt32().Store(dst + 2 * rowStride);
            Sse2.UnpackHigh(a1, a3).AsInt32().Store(dst + 3 * rowStride);
        }
        return (iFull, kFull);
    }

    /// <summary>The target channel (C order over [d4 … dN]) of source block <paramref name="sourceBlock"/> (C order over [dN … d4]).</summary>
    private long TargetChannel(long sourceBlock)
    {
        // Peel the source index's digits (d4 fastest) and re-weigh them with C-order strides (dN fastest).
        long channel = 0, remaining = sourceBlock;
        for (var d = 0; d < _channelSizes.Length; d++)
        {
            var digit = remaining % _channelSizes[d];
            remaining /= _channelSizes[d];
            var stride = 1L;
            for (var e = d + 1; e < _channelSizes.Length; e++) stride *= _channelSizes[e];
            channel += digit * stride;
        }
        return channel;
    }
}
