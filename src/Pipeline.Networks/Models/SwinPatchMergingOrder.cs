namespace Pipeline.Networks.Models;

/// <summary>Which of the 2×2×2 sub-grids, in which order, PatchMerging concatenates along channels before its LayerNorm and reduction.</summary>
/// <remarks>The order decides which rows of <c>downsample.norm</c> and columns of <c>downsample.reduction</c> see which voxel, so weights only give MONAI's output with the order they were trained with.</remarks>
public enum SwinPatchMergingOrder
{
    /// <summary>MONAI ≥ 1.5 "merging": (0,0,0),(1,0,0),(0,1,0),(0,0,1),(1,1,0),(1,0,1),(0,1,1),(1,1,1) as (d,h,w) offsets.</summary>
    Monai15,

    /// <summary>MONAI ≤ 1.4 "merging" (v0.9 layout, fixed by MONAI PR #8285): (0,0,0),(1,0,0),(0,1,0),(0,0,1),(1,0,1),(0,1,0),(0,0,1),(1,1,1) — three sub-grids appear twice and (1,1,0),(0,1,1) never.</summary>
    Legacy,

    /// <summary>MONAI's "mergingv2": the lexicographic order over (d,h,w) offsets.</summary>
    Lexicographic,
}
