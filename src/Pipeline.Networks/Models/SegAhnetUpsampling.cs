namespace Pipeline.Networks.Models;

/// <summary>How SegAhnet's decoder, PSP branch and final layer return to a finer resolution.</summary>
public enum SegAhnetUpsampling
{
    /// <summary>Learned transposed convolutions (MONAI's default "transpose"; deterministic).</summary>
    Transpose,

    /// <summary>Trilinear (3D) or bilinear (2D) interpolation with align_corners true.</summary>
    Linear,

    /// <summary>Nearest-neighbour interpolation.</summary>
    Nearest,
}
