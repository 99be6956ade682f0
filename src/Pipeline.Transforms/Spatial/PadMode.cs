namespace Pipeline.Transforms.Spatial;

/// <summary>How padding voxels are filled (numpy.pad's modes of the same names).</summary>
public enum PadMode
{
    /// <summary>A fixed value.</summary>
    Constant,

    /// <summary>The edge voxel's value repeated.</summary>
    Edge,

    /// <summary>Mirror image about the edge voxel, which is not repeated (numpy <c>reflect</c>: 2 1 | 0 1 2 | 1 0).</summary>
    Reflect,
}
