using Pipeline.Imaging;
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
        var body = (grid[0].square() / 0.8 + grid[1].square() / 0.6 + grid[2].square() / 1.2).lt(1).to_type(ScalarType.Float32);
        var organ = ((grid[0] - 0.3).square() + (grid[1] + 0.1).square() + grid[2].square() / 0.5).lt(0.08).to_type(ScalarType.Float32);
        var hu = body * 1040 - 1000 + organ * 60 + randn(size, generator: generator) * 20;
        var data = hu.round().clamp(-1024, 3071).to_type(ScalarType.Int16).unsqueeze(0).MoveToOuterDisposeScope();
        return new MedicalImage(data, AffineMatrix.Diagonal(spacing[0], spacing[1], spacing[2]));
    }
}
