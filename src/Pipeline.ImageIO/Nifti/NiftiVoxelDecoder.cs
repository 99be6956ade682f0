using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Turns on-disk voxel bytes into a channels-first tensor: byte order, axis order, unsigned widening and scaling.</summary>
internal static class NiftiVoxelDecoder
{
    /// <summary>Elements per step when scaling, so the float64 intermediate stays small whatever the image size.</summary>
    private const long ScalingChunkElements = 1L << 22;

    /// <summary>
    /// Reads the voxel data that start at the source's position and returns them as [C, i, j(, k)], contiguous.
    /// Dimensions 4 and up become channels in nibabel's C order (channel = t·dim5 + u for a 5-D file).
    /// </summary>
    public static Tensor Read(NiftiSource source, NiftiHeader header)
    {
        var dims = header.Shape;
        var spatialRank = Math.Min(dims.Length, 3);
        var shape = new long[spatialRank + 1];
        shape[0] = dims.Skip(3).Aggregate(1L, (a, b) => a * b);
        for (var i = 0; i < spatialRank; i++) shape[i + 1] = dims[i];
        // A 2-D [i, j] array is the 3-D case [i, 1, j]: the same transpose, with a unit middle axis.
        var sizes = dims.Length == 2 ? new[] { dims[0], 1, dims[1] } : dims;
        var elementSize = header.DataType.ByteSize();
        var swap = (header.ByteOrder == NiftiByteOrder.BigEndian) == BitConverter.IsLittleEndian;

        var ordered = empty(shape, header.DataType.StorageType());
        try
        {
            StreamingVoxelReader.Read(source, new FortranToCOrder(TensorMemory.DataPointer(ordered), sizes, elementSize), swap);
            var widened = Widen(ordered, header.DataType);
            if (!ReferenceEquals(widened, ordered)) ordered.Dispose();
            ordered = widened;
            if (!header.HasScaling) return ordered;
            var scaled = Scale(ordered, header.SclSlope, header.SclInter);
            ordered.Dispose();
            return scaled;
        }
        catch
        {
            ordered.Dispose();
            throw;
        }
    }

    /// <summary>uint16/uint32 were read into the signed type of the same width; widen and mask off the sign extension.</summary>
    private static Tensor Widen(Tensor t, NiftiDataType type)
    {
        if (type == NiftiDataType.UInt16)
        {
            var wide = t.to(ScalarType.Int32);
            return wide.bitwise_and_(0xFFFF);
        }
        if (type == NiftiDataType.UInt32)
        {
            var wide = t.to(ScalarType.Int64);
            return wide.bitwise_and_(0xFFFF_FFFFL);
        }
        return t;
    }

    /// <summary>
    /// raw·slope + inter, computed in float64 (as nibabel does) and stored as float32; float64 data stay float64
    /// so that scaling never loses the file's precision.
    /// </summary>
    private static Tensor Scale(Tensor t, double slope, double inter)
    {
        var resultType = t.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var result = empty(t.shape, resultType);
        using var source = t.view(-1);
        using var target = result.view(-1);
        var total = source.shape[0];
        for (long start = 0; start < total; start += ScalingChunkElements)
        {
            var n = Math.Min(ScalingChunkElements, total - start);
            using var from = source.narrow(0, start, n);
            using var to = target.narrow(0, start, n);
            // For float64 data this aliases the source chunk; scaling it in place is fine, the source is discarded.
            using var wide = from.to(ScalarType.Float64);
            wide.TimesInPlace(slope).PlusInPlace(inter);
            to.copy_(wide);
        }
        return result;
    }
}
