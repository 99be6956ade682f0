using static TorchSharp.torch;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Sizes, torch dtypes and value ranges of the supported <see cref="NiftiDataType"/>s.</summary>
public static class NiftiDataTypeInfo
{
    /// <summary>True for the datatypes this library reads and writes.</summary>
    public static bool IsSupported(this NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 or NiftiDataType.Int16 or NiftiDataType.UInt16 or NiftiDataType.Int32
            or NiftiDataType.UInt32 or NiftiDataType.Int64 or NiftiDataType.Float32 or NiftiDataType.Float64 => true,
        _ => false,
    };

    /// <summary>Bytes per voxel on disk.</summary>
    public static int ByteSize(this NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
        NiftiDataType.Int32 or NiftiDataType.UInt32 or NiftiDataType.Float32 => 4,
        NiftiDataType.Int64 or NiftiDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported NIfTI datatype"),
    };

    /// <summary>The torch dtype whose bit layout equals the on-disk one (unsigned 16/32-bit types use the signed type of the same width).</summary>
    internal static ScalarType StorageType(this NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 => ScalarType.Byte,
        NiftiDataType.Int8 => ScalarType.Int8,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => ScalarType.Int16,
        NiftiDataType.Int32 or NiftiDataType.UInt32 => ScalarType.Int32,
        NiftiDataType.Int64 => ScalarType.Int64,
        NiftiDataType.Float32 => ScalarType.Float32,
        NiftiDataType.Float64 => ScalarType.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported NIfTI datatype"),
    };

    /// <summary>The torch dtype of unscaled data after reading: the file's type, except uint16 → int32 and uint32 → int64 (torch has no unsigned 16/32-bit types).</summary>
    public static ScalarType TensorType(this NiftiDataType type) => type switch
    {
        NiftiDataType.UInt16 => ScalarType.Int32,
        NiftiDataType.UInt32 => ScalarType.Int64,
        _ => type.StorageType(),
    };

    /// <summary>True for the integer datatypes.</summary>
    public static bool IsInteger(this NiftiDataType type) => type is not (NiftiDataType.Float32 or NiftiDataType.Float64);

    /// <summary>Smallest and largest representable value of an integer datatype.</summary>
    internal static (long Min, long Max) IntegerRange(this NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 => (byte.MinValue, byte.MaxValue),
        NiftiDataType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        NiftiDataType.Int16 => (short.MinValue, short.MaxValue),
        NiftiDataType.UInt16 => (ushort.MinValue, ushort.MaxValue),
        NiftiDataType.Int32 => (int.MinValue, int.MaxValue),
        NiftiDataType.UInt32 => (uint.MinValue, uint.MaxValue),
        NiftiDataType.Int64 => (long.MinValue, long.MaxValue),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an integer NIfTI datatype"),
    };

    /// <summary>The datatype a tensor of <paramref name="dtype"/> is written as by default, or null if it has no NIfTI counterpart.</summary>
    internal static NiftiDataType? FromTensorType(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Bool => NiftiDataType.UInt8,
        ScalarType.Int8 => NiftiDataType.Int8,
        ScalarType.Int16 => NiftiDataType.Int16,
        ScalarType.Int32 => NiftiDataType.Int32,
        ScalarType.Int64 => NiftiDataType.Int64,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 => NiftiDataType.Float32,
        ScalarType.Float64 => NiftiDataType.Float64,
        _ => null,
    };
}
