using Pipeline.Imaging;
using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Runner.Demo;

/// <summary>One deterministic demo case: noisy ellipsoids on an anisotropic grid, with their union as the label.</summary>
/// <remarks>
/// The grid is 1.5 × 1.5 × 3 mm, so a config that resamples to isotropic spacing has real work to do; the object is
/// bright (1.0) on a dark background with Gaussian noise (σ 0.3) and a slow intensity ramp, so a threshold alone does not
/// segment it. Every draw comes from a torch generator seeded by the case's seed, so a case is the same on every machine.
/// </remarks>
public static class SyntheticShapesVolume
{
    /// <summary>Voxels per axis.</summary>
    public static readonly long[] Shape = [96, 96, 48];

    /// <summary>Voxel size in millimetres.</summary>
    public static readonly double[] Spacing = [1.5, 1.5, 3.0];

    /// <summary>Builds image (float32) and label (uint8, 0/1) for <paramref name="seed"/>; the caller disposes both.</summary>
    /// <param name="seed">The case's seed.</param>
    /// <param name="hounsfield">
    /// Write CT-like intensities instead: air (−1000 HU) outside a body cylinder, soft tissue (40 HU) inside, the objects at 120 HU,
    /// noise σ 20 HU — so a Clara CT window such as −57…164 sees what it would in a real scan. The label is the same.
    /// </param>
    public static (MedicalImage Image, MedicalImage Label) Create(long seed, bool hounsfield = false)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var uniform = rand(new long[] { 16 }, generator: generator, dtype: ScalarType.Float64).data<double>().ToArray();
        var extent = Shape.Select((n, d) => n * Spacing[d]).ToArray();

        var axes = Enumerable.Range(0, 3)
            .Select(d => HeldScalars.Range(Shape[d], ScalarType.Float32).Times(Spacing[d]).Plus(Spacing[d] / 2))
            .ToArray();
        var grid = meshgrid(axes, indexing: "ij");

        // A large ellipsoid near the centre and, for half of the cases, a smaller one beside it.
        var mask = Ellipsoid(grid, extent, uniform.AsSpan(0, 6), minRadius: 25, maxRadius: 45);
        if (uniform[12] < 0.5) mask = mask.logical_or(Ellipsoid(grid, extent, uniform.AsSpan(6, 6), minRadius: 10, maxRadius: 18));

        var ramp = grid[0].DividedBy(extent[0]).Times(0.3 * (uniform[13] - 0.5));
        var noise = randn(Shape, generator: generator).Times(0.3);
        var image = mask.to(ScalarType.Float32).Plus(ramp).Plus(noise);
        if (hounsfield)
        {
            using var one = 1.0.ToScalar();
            var body = grid[0].Minus(extent[0] / 2).DividedBy(extent[0] * 0.48).Squared()
                .Plus(grid[1].Minus(extent[1] / 2).DividedBy(extent[1] * 0.45).Squared()).le(one);
            image = where(body.logical_or(mask), image.Times(80).Plus(40), noise.Times(66).Plus(-1000));
        }
        image = image.unsqueeze(0);
        var label = mask.to(ScalarType.Byte).unsqueeze(0);

        var affine = AffineMatrix.Diagonal(Spacing[0], Spacing[1], Spacing[2]);
        return (new MedicalImage(image.MoveToOuterDisposeScope(), affine), new MedicalImage(label.MoveToOuterDisposeScope(), affine));
    }

    private static Tensor Ellipsoid(Tensor[] grid, double[] extent, ReadOnlySpan<double> u, double minRadius, double maxRadius)
    {
        Tensor? sum = null;
        for (var d = 0; d < 3; d++)
        {
            var radius = minRadius + (maxRadius - minRadius) * u[3 + d];
            // Centres lie in the middle half of each axis, so objects are mostly whole and cross the middle slices.
            var centre = extent[d] * (0.25 + 0.5 * u[d]);
            var term = grid[d].Minus(centre).DividedBy(Math.Min(radius, extent[d] / 2)).Squared();
            sum = sum is null ? term : sum.Plus(term);
        }
        using var one = 1.0.ToScalar();
        return sum!.le(one);
    }
}
