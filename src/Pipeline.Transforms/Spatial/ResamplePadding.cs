namespace Pipeline.Transforms.Spatial;

/// <summary>What a resampler returns for points outside the source image.</summary>
public enum ResamplePadding
{
    /// <summary>The nearest edge voxel's value (coordinates clamped to the image: scipy mode <c>nearest</c>, grid_sample padding <c>border</c>).</summary>
    Border,

    /// <summary>A fixed value for points outside the source's voxel extent (more than half a voxel beyond an edge centre); points inside it are read as with <see cref="Border"/>.</summary>
    Constant,
}
