namespace Pipeline.ImageIO.Nifti;

/// <summary>Which NIfTI header layout a file uses.</summary>
public enum NiftiVersion
{
    /// <summary>NIfTI-1: 348-byte header, 16-bit dims, 32-bit floats.</summary>
    Nifti1 = 1,
    /// <summary>NIfTI-2: 540-byte header, 64-bit dims, 64-bit floats.</summary>
    Nifti2 = 2,
}
