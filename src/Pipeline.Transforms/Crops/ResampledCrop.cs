using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Crops;

/// <summary>A crop cut by interpolation through a rotated, scaled and optionally deformed sampling grid around the middle of a window: one grid, shared by every field.</summary>
/// <remarks>
/// <para>Output voxel o (offset q = o − (size − 1)/2 from the crop middle) samples the input at voxel coordinates
/// p = m + A·q + D(o), where m is the middle of the axis-aligned window, A the linear map and D an optional smooth
/// displacement (input voxels). With A = I and no D this is exactly the window crop.</para>
/// <para>The crop's affine is <c>affine · M</c> with M = [A, m − A·(size − 1)/2; 0, 1]: exact for rotation and scaling.
/// A deformation cannot be written as an affine; the affine then describes the undeformed grid.</para>
/// <para>Sampling is <c>grid_sample</c> with <c>align_corners=false</c> (voxel centres at (2p + 1)/n − 1) and zero padding:
/// trilinear (bilinear in 2D) for images, nearest for labels.</para>
/// </remarks>
internal sealed class ResampledCrop : IDisposable
{
    private readonly Tensor _grid; // [1, size…, rank] float64, last axis in grid_sample's reversed (x = last spatial axis) order
    private readonly AffineMatrix _map;

    private ResampledCrop(Tensor grid, AffineMatrix map)
    {
        _grid = grid;
        _map = map;
    }

    /// <summary>Builds the grid for an input of <paramref name="inputShape"/>.</summary>
    /// <param name="window">Axis-aligned placement: its middle is the rotation centre and its size the output size.</param>
    /// <param name="inputShape">Spatial shape of the images to sample.</param>
    /// <param name="linear">A: input voxel offset per output voxel step (rank × rank).</param>
    /// <param name="displacement">Optional D: [rank, size…] in input voxels, D[a] along spatial axis a; the caller keeps ownership.</param>
    public static ResampledCrop Create(CropWindow window, IReadOnlyList<long> inputShape, double[,] linear, Tensor? displacement)
    {
        var rank = window.Size.Count;
        var size = window.Size.ToArray();
        var half = size.Select(s => (s - 1) / 2.0).ToArray();
        var middle = window.Start.Select((s, a) => s + half[a]).ToArray();

        var map = AffineMatrix.Identity.ToArray();
        for (var a = 0; a < rank; a++)
        {
            double shift = middle[a];
            for (var b = 0; b < rank; b++)
            {
                map[a, b] = linear[a, b];
                shift -= linear[a, b] * half[b];
            }
            map[a, 3] = shift;
        }

        using var scope = NewDisposeScope();
        var offsets = new Tensor[rank];
        for (var b = 0; b < rank; b++)
        {
            var view = Enumerable.Repeat(1L, rank).ToArray();
            view[b] = size[b];
            offsets[b] = HeldScalars.Range(size[b], ScalarType.Float64).MinusInPlace(half[b]).view(view);
        }
        var normalised = new Tensor[rank];
        for (var a = 0; a < rank; a++)
        {
            var p = HeldScalars.Full(size, middle[a], ScalarType.Float64);
            for (var b = 0; b < rank; b++)
                if (linear[a, b] != 0) p = p.PlusInPlace(offsets[b].Times(linear[a, b]));
            if (displacement is not null) p = p.PlusInPlace(displacement[a].to(ScalarType.Float64));
            // align_corners=false: voxel centre p of an axis of n voxels sits at (2p + 1)/n − 1.
            normalised[rank - 1 - a] = p.TimesInPlace(2.0 / inputShape[a]).PlusInPlace(1.0 / inputShape[a] - 1);
        }
        var grid = stack(normalised, -1).unsqueeze(0);
        return new ResampledCrop(grid.MoveToOuterDisposeScope(), AffineMatrix.FromArray(map));
    }

    /// <summary>The crop's affine given the source image's.</summary>
    public AffineMatrix AffineOf(AffineMatrix affine) => affine.Multiply(_map);

    /// <summary>Samples <paramref name="image"/> through the grid: nearest for labels (result keeps the label's type), else trilinear (floating result).</summary>
    public MedicalImage Sample(MedicalImage image, bool nearest)
    {
        using var scope = NewDisposeScope();
        var type = image.Data.dtype;
        var computeType = type == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var input = image.Data.to_type(computeType).unsqueeze(0);
        var sampled = nn.functional.grid_sample(input, _grid.to_type(computeType),
            nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).squeeze(0);
        if (nearest && sampled.dtype != type) sampled = sampled.to_type(type);
        return image.With(sampled.contiguous().MoveToOuterDisposeScope(), AffineOf(image.Affine));
    }

    /// <inheritdoc />
    public void Dispose() => _grid.Dispose();
}
