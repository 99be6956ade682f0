using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Runner.Benchmarks;

/// <summary>Makes CT-like int16 volumes for benchmarks when no real file is given: smooth anatomy-like blobs plus noise, so gzip sees realistic entropy.</summary>
public static class SyntheticVolume
{
    /// <summary>A [1, x, y, z] int16 image with the given spacing, deterministic for a seed.</summary>
    public static MedicalImage CtLike(long[] size, double[] spacing, long seed = 0)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        var axes = size.Select(n => linspace(-1, 1, n, dtype: ScalarType.Float32)).ToArray();
        var grid = meshgrid(axes, indexing: "ij");
        var body = grid[0].Squared().DividedBy(0.8).Plus(grid[1].Squared().DividedBy(0.6)).Plus(grid[2].Squared().DividedBy(1.2))
            .LessThan(1).to_type(ScalarType.Float32);
        var organ = grid[0].Minus(0.3).Squared().Plus(grid[1].Plus(0.1).Squared()).Plus(grid[2].Squared().DividedBy(0.5))
            .LessThan(0.08).to_type(ScalarType.Float32);
        var hu = body.Times(1040).Minus(1000).Plus(organ.Times(60)).Plus(randn(size, generator: generator).Times(20));
        var data = hu.round().Clamped(-1024, 3071).to_type(ScalarType.Int16).unsqueeze(0).MoveToOuterDisposeScope();
        return new MedicalImage(data, AffineMatrix.Diagonal(spacing[0], spacing[1], spacing[2]));
    }
}
