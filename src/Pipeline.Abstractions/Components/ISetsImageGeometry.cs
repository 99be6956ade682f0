namespace Pipeline.Components;

/// <summary>A transform that brings images to a set voxel spacing or orientation, so a network trained behind it expects images in that geometry.</summary>
public interface ISetsImageGeometry : IDeclaresFields
{
    /// <summary>The voxel size in mm per spatial axis it resamples to (a value ≤ 0 keeps that axis); null when it keeps the spacing.</summary>
    IReadOnlyList<double>? TargetSpacing { get; }

    /// <summary>The axis codes (e.g. RAS) it reorients to; null when it keeps the orientation.</summary>
    string? TargetOrientation { get; }
}
