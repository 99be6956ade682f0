using Pipeline.Components;

namespace Pipeline.Data;

/// <summary>The voxel spacing and orientation a chain of transforms gives an image field; null parts are left as each file has them.</summary>
/// <param name="Spacing">Voxel size in mm per spatial axis (≤ 0: that axis kept), or null.</param>
/// <param name="Orientation">Axis codes such as RAS, or null.</param>
public sealed record ImageGeometry(IReadOnlyList<double>? Spacing, string? Orientation)
{
    /// <summary>What <paramref name="chain"/> does to <paramref name="field"/>: the last spacing and the last orientation set on it.</summary>
    public static ImageGeometry Of(TransformChain chain, string field = "image")
    {
        ArgumentNullException.ThrowIfNull(chain);
        IReadOnlyList<double>? spacing = null;
        string? orientation = null;
        foreach (var transform in chain.Transforms.OfType<ISetsImageGeometry>().Where(t => t.WritesFields.Contains(field)))
        {
            spacing = transform.TargetSpacing ?? spacing;
            orientation = transform.TargetOrientation ?? orientation;
        }
        return new ImageGeometry(spacing, orientation);
    }
}
