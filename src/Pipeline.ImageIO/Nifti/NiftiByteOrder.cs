namespace Pipeline.ImageIO.Nifti;

/// <summary>The byte order of a NIfTI header and its voxel data.</summary>
public enum NiftiByteOrder
{
    /// <summary>Least significant byte first.</summary>
    LittleEndian,
    /// <summary>Most significant byte first.</summary>
    BigEndian,
}
