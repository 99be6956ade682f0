using System.Runtime.InteropServices;

namespace Pipeline.Transforms.Nifti;

/// <summary>
/// Reorders voxel data from NIfTI's on-disk Fortran order (i fastest) to C order with the spatial axes first-to-last and
/// channels outermost, by cache-blocked transposes. The work is cut into units in source order, so that a unit can be
/// reordered as soon as the bytes it reads have been decompressed (see <see cref="OverlappedVoxelReader"/>).
/// </summary>
/// <remarks>torch's generic permute+contiguous takes longer than decompression for a full axis reversal, hence this.</remarks>
internal sealed unsafe class FortranToCOrder
{
    /// <summary>Tile edge in elements: a tile of 8-byte elements (64 × 64 × 8 = 32 KiB) stays in L1/L2.</summary>
    private const int Tile = 64;

    private readonly byte* _source;
    private readonly byte* _target;
    private readonly long _ni, _nj, _nk;
    private readonly long[] _channelSizes;
    private readonly long _kBands;

    /// <summary>
    /// Plans copying <paramref name="source"/> (C order of [dN … d4, k, j, i], the Fortran bytes of [i, j, k, d4 … dN]) to
    /// <paramref name="target"/> as C order of [d4 … dN, i, j, k]. <paramref name="sizes"/> are the Fortran sizes
    /// [i, j, k, d4 … dN] (for 2-D data [i, 1, j]); the buffers hold the same number of
    /// <paramref name="elementSize"/>-byte elements and do not overlap.
    /// </summary>
    public FortranToCOrder(IntPtr source, IntPtr target, IReadOnlyList<long> sizes, int elementSize)
    {
        if (elementSize is not (1 or 2 or 4 or 8)) throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "element size must be 1, 2, 4 or 8");
        _source = (byte*)source;
        _target = (byte*)target;
        ElementSize = elementSize;
        (_ni, _nj, _nk) = (sizes[0], sizes[1], sizes[2]);
        _channelSizes = sizes.Skip(3).ToArray();
        _kBands = (_nk + Tile - 1) / Tile;
        UnitCount = _channelSizes.Aggregate(1L, (a, b) => a * b) * _kBands;
    }

    /// <summary>Bytes per element.</summary>
    public int ElementSize { get; }

    /// <summary>Number of independent pieces of work; unit u reads only source bytes before <see cref="SourceEnd"/>(u).</summary>
    public long UnitCount { get; }

    private long BlockElements => _ni * _nj * _nk;

    /// <summary>One past the last source byte unit <paramref name="unit"/> reads; non-decreasing in the unit number.</summary>
    public long SourceEnd(long unit)
    {
        var (block, band) = (unit / _kBands, unit % _kBands);
        var k1 = Math.Min((band + 1) * Tile, _nk);
        return (block * BlockElements + k1 * _nj * _ni) * ElementSize;
    }

    /// <summary>Reorders unit <paramref name="unit"/>; <paramref name="scratch"/> must hold <see cref="ScratchBytes"/>.</summary>
    public void CopyUnit(long unit, Span<byte> scratch)
    {
        switch (ElementSize)
        {
            case 1: CopyUnit<byte>(unit, MemoryMarshal.Cast<byte, byte>(scratch)); break;
            case 2: CopyUnit<short>(unit, MemoryMarshal.Cast<byte, short>(scratch)); break;
            case 4: CopyUnit<int>(unit, MemoryMarshal.Cast<byte, int>(scratch)); break;
            default: CopyUnit<long>(unit, MemoryMarshal.Cast<byte, long>(scratch)); break;
        }
    }

    /// <summary>Runs every unit, in parallel, when the whole source is already in place.</summary>
    public void CopyAll() =>
        Parallel.For(0L, UnitCount, () => new byte[ScratchBytes], (unit, _, scratch) =>
        {
            CopyUnit(unit, scratch);
            return scratch;
        }, _ => { });

    /// <summary>Size of the per-thread scratch tile.</summary>
    public static int ScratchBytes => Tile * Tile * sizeof(long);

    private void CopyUnit<T>(long unit, Span<T> scratch) where T : unmanaged
    {
        var (sourceBlock, band) = (unit / _kBands, unit % _kBands);
        var from = (T*)_source + sourceBlock * BlockElements;
        var to = (T*)_target + TargetChannel(sourceBlock) * BlockElements;
        var k0 = band * Tile;
        var kCount = (int)Math.Min(Tile, _nk - k0);
        fixed (T* tile = scratch)
        {
            for (long j = 0; j < _nj; j++)
            for (long i0 = 0; i0 < _ni; i0 += Tile)
            {
                var iCount = (int)Math.Min(Tile, _ni - i0);
                // Source rows lie ni·nj elements apart, a power of two for typical sizes, which maps them all to one
                // cache set; copying each row segment whole into a compact tile avoids those conflict misses.
                for (var kk = 0; kk < kCount; kk++)
                    new ReadOnlySpan<T>(from + ((k0 + kk) * _nj + j) * _ni + i0, iCount).CopyTo(new Span<T>(tile + kk * Tile, iCount));
                for (var ii = 0; ii < iCount; ii++)
                {
                    var write = to + ((i0 + ii) * _nj + j) * _nk + k0;
                    var read = tile + ii;
                    for (var kk = 0; kk < kCount; kk++)
                        write[kk] = read[kk * Tile];
                }
            }
        }
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
