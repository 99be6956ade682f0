namespace Pipeline.ImageIO.Nifti;

/// <summary>NIfTI voxel datatypes this library reads and writes; the values are the header's <c>datatype</c> codes.</summary>
/// <remarks>A header may carry other codes (complex, RGB, uint64, float128); they parse as undefined enum values and are rejected when the data is read.</remarks>
public enum NiftiDataType : short
{
    /// <summary>Unsigned 8-bit integer (DT_UINT8).</summary>
    UInt8 = 2,
    /// <summary>Signed 16-bit integer (DT_INT16).</summary>
    Int16 = 4,
    /// <summary>Signed 32-bit integer (DT_INT32).</summary>
    Int32 = 8,
    /// <summary>32-bit IEEE float (DT_FLOAT32).</summary>
    Float32 = 16,
    /// <summary>64-bit IEEE float (DT_FLOAT64).</summary>
    Float64 = 64,
    /// <summary>Signed 8-bit integer (DT_INT8).</summary>
    Int8 = 256,
    /// <summary>Unsigned 16-bit integer (DT_UINT16); read into int32 tensors because torch has no uint16.</summary>
    UInt16 = 512,
    /// <summary>Unsigned 32-bit integer (DT_UINT32); read into int64 tensors because torch has no uint32.</summary>
    UInt32 = 768,
    /// <summary>Signed 64-bit integer (DT_INT64).</summary>
    Int64 = 1024,
}
