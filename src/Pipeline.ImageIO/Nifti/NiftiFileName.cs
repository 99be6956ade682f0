namespace Pipeline.ImageIO.Nifti;

/// <summary>Recognises a single-file NIfTI image by its name: <c>.nii</c> or <c>.nii.gz</c>, in any case.</summary>
public static class NiftiFileName
{
    /// <summary>Whether <paramref name="path"/> names a <c>.nii</c> or <c>.nii.gz</c> file.</summary>
    public static bool IsNifti(string path) =>
        path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
}
