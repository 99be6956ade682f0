using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Converts channels-first image data to a NIfTI datatype, with the value rules of nibabel's unscaled writer.</summary>
/// <remarks>
/// Like nibabel's <c>array_to_file</c> when no scaling is stored: floats going to an integer type are rounded to nearest
/// (ties to even), clipped to the type's range, NaN becomes 0 and ±∞ the range ends; integers going to a narrower integer
/// type are clipped. Conversion to float32/float64 is a plain cast.
/// </remarks>
internal static class NiftiVoxelEncoder
{
    /// <summary>Elements per conversion step, so the float64/int64 intermediate stays small whatever the image size.</summary>
    private const long ChunkElements = 1L << 22;

    /// <summary>Largest double below 2⁶³: clipping to long.MaxValue itself would round up to 2⁶³ and overflow the cast.</summary>
    private const double LargestInt64Double = 9223372036854774784.0;

    /// <summary>A contiguous CPU copy of <paramref name="data"/> with the bit layout of <paramref name="type"/> (uint16/uint32 as their signed twins).</summary>
    public static Tensor Convert(Tensor data, NiftiDataType type)
    {
        if (data.device_type != TorchSharp.DeviceType.CPU)
        {
            using var cpu = data.cpu();
            return Convert(cpu, type);
        }
        var storage = type.StorageType();
        if (data.dtype == storage && type is not (NiftiDataType.UInt16 or NiftiDataType.UInt32))
            return data.contiguous();
        var result = empty(data.shape, storage);
        try
        {
            using var contiguous = data.contiguous();
            using var source = contiguous.view(-1);
            using var target = result.view(-1);
            var total = source.shape[0];
            for (long start = 0; start < total; start += ChunkElements)
            {
                var n = Math.Min(ChunkElements, total - start);
                using var from = source.narrow(0, start, n);
                using var to = target.narrow(0, start, n);
                using var converted = ConvertChunk(from, type);
                // For uint16/uint32 the clipped values are in range of the wider type; the copy keeps their low bits.
                to.copy_(converted);
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static Tensor ConvertChunk(Tensor chunk, NiftiDataType type)
    {
        if (!type.IsInteger())
            return chunk.to(type.StorageType());
        var (min, max) = type.IntegerRange();
        if (chunk.is_floating_point())
        {
            var upper = type == NiftiDataType.Int64 ? LargestInt64Double : max;
            var lower = (double)min;
            // copy: float64 input would otherwise be aliased, and the in-place ops below would change the caller's image.
            var wide = chunk.to(ScalarType.Float64, copy: true);
            wide.nan_to_num_(0, upper, lower).round_().ClampedInPlace(lower, upper);
            return WrapToStorage(wide, type);
        }
        if (chunk.dtype == ScalarType.Bool)
            return chunk.to(type.StorageType());
        var ints = chunk.to(ScalarType.Int64, copy: true);
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        ints.clamp_(low, high);
        return WrapToStorage(ints, type);
    }

    /// <summary>In-range values as the storage type; uint16/uint32 go through int32/int64 so that the copy keeps their bit pattern.</summary>
    private static Tensor WrapToStorage(Tensor values, NiftiDataType type)
    {
        var viaType = type switch
        {
            NiftiDataType.UInt16 => ScalarType.Int32,
            NiftiDataType.UInt32 => ScalarType.Int64,
            _ => type.StorageType(),
        };
        using (values)
        {
            var via = values.to(viaType);
            if (via.dtype == type.StorageType()) return via;
            using (via)
                return via.to(type.StorageType());
        }
    }
}
