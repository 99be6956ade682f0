namespace Pipeline.ImageIO.Nifti;

/// <summary>Which header fields the voxel-to-world affine was taken from (nibabel's <c>get_best_affine</c> order).</summary>
public enum NiftiAffineSource
{
    /// <summary>The sform rows (<c>sform_code</c> &gt; 0).</summary>
    Sform,
    /// <summary>The qform quaternion, offsets and pixdim (<c>qform_code</c> &gt; 0, <c>sform_code</c> = 0).</summary>
    Qform,
    /// <summary>Neither code is set: voxel sizes from pixdim, x flipped, origin at the image centre (nibabel's base affine).</summary>
    PixdimFallback,
}
