using Pipeline.Imaging;

namespace Pipeline.Inference;

/// <summary>An image as plain arrays: float voxels in C order over [channels, i, j(, k)] (k fastest, NIfTI's voxel axes) and the voxel-to-world affine.</summary>
/// <param name="Voxels">channels · i · j (· k) values; voxel (c, i, j, k) is at ((c·ni + i)·nj + j)·nk + k.</param>
/// <param name="Shape">The spatial size [ni, nj] or [ni, nj, nk].</param>
/// <param name="Affine">Voxel index to world (mm, RAS+, as NIfTI's and nibabel's affines).</param>
/// <param name="Channels">Channels (modalities) stored one after another.</param>
public sealed record ImageVolume(float[] Voxels, IReadOnlyList<int> Shape, AffineMatrix Affine, int Channels = 1)
{
    /// <summary>Checks that the arrays agree.</summary>
    /// <exception cref="ArgumentException">The shape is not 2-D or 3-D with positive sizes, or the voxel count differs from channels times the shape.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Voxels);
        ArgumentNullException.ThrowIfNull(Shape);
        ArgumentNullException.ThrowIfNull(Affine);
        if (Shape.Count is not (2 or 3) || Shape.Any(s => s < 1))
            throw new ArgumentException($"the shape [{string.Join(", ", Shape)}] is not a 2-D or 3-D size of positive values", nameof(Shape));
        if (Channels < 1) throw new ArgumentException($"channels must be 1 or more; got {Channels}", nameof(Channels));
        var expected = Shape.Aggregate((long)Channels, (n, s) => n * s);
        if (Voxels.LongLength != expected)
            throw new ArgumentException($"{Voxels.LongLength} voxels for {Channels} channel(s) of [{string.Join(", ", Shape)}], which need {expected}", nameof(Voxels));
    }
}
