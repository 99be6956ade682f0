namespace Pipeline.Training;

/// <summary>A metric that compares a prediction field with a label field voxel by voxel, so both must lie on one grid.</summary>
public interface IComparingMetric
{
    /// <summary>The prediction field.</summary>
    string Field { get; }

    /// <summary>The label field.</summary>
    string LabelField { get; }
}
