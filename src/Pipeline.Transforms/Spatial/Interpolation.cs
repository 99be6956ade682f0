namespace Pipeline.Transforms.Spatial;

/// <summary>How a resampler reads a source image between voxel centres.</summary>
public enum Interpolation
{
    /// <summary>Bilinear (2D) or trilinear (3D) interpolation between the neighbouring voxel centres; for intensities and probabilities.</summary>
    Linear,

    /// <summary>The value of the voxel whose centre is nearest (ties go to the higher index, as scipy's order 0); for label maps.</summary>
    Nearest,
}
