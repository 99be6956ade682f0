using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>MONAI's <c>compute_importance_map</c>: the per-window blending weights, float32 of the window's shape.</summary>
public static class ImportanceMap
{
    /// <summary>All ones for <see cref="BlendMode.Constant"/>; for <see cref="BlendMode.Gaussian"/> the outer product of exp(−x²/2σ²) profiles.</summary>
    /// <remarks>
    /// Each profile samples x = k − (L−1)/2 (peak at the geometric centre) with σ = <paramref name="sigmaScale"/>·L, unnormalised.
    /// The map is then clamped from below at max(min, 1e-3), as MONAI does so that no voxel gets (almost) zero total weight.
    /// </remarks>
    public static Tensor Create(IReadOnlyList<int> windowSize, BlendMode mode, double sigmaScale, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(windowSize);
        var shape = windowSize.Select(s => (long)s).ToArray();
        if (mode == BlendMode.Constant) return ones(shape, ScalarType.Float32, device);

        using var scope = NewDisposeScope();
        Tensor? map = null;
        for (var d = 0; d < windowSize.Count; d++)
        {
            var length = windowSize[d];
            var sigma = sigmaScale * length;
            var x = HeldScalars.Range(-(length - 1) / 2.0, (length - 1) / 2.0 + 1, 1.0, ScalarType.Float32, device);
            x = x.Squared().DividedBy(-2 * sigma * sigma).exp();
            map = map is null ? x : map.unsqueeze(-1) * x.view([.. Enumerable.Repeat(1L, d), length]);
        }
        var floor = Math.Max(map!.min().item<float>(), 1e-3);
        return map.ClampedMinInPlace(floor).contiguous().MoveToOuterDisposeScope();
    }
}
