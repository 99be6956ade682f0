using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Transforms.Intensity;

/// <summary>Training augmentation: Gaussian blur with a random σ per spatial axis, with a probability.</summary>
/// <remarks>
/// Clara lists the transform without documenting it. Like MONAI's <c>RandGaussianSmooth</c> (probability 0.1, σ from
/// [0.25, 1.5] voxels, drawn independently for each spatial axis), but with scipy's sampled kernel and reflect border (see
/// <see cref="GaussianSmoothing"/>). The σ draws are made once per sample (axis by axis) and used for every field and crop.
/// The result is float32 (float64 data stay float64), also when the transform does not fire.
/// </remarks>
[Component(ComponentKind.Transform, "RandomGaussianSmooth")]
public sealed class RandomGaussianSmooth : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _probability;
    private readonly UniformRange _sigma;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to blur.</param>
    /// <param name="probability">Chance that a sample is blurred at all, in [0, 1].</param>
    /// <param name="sigma">σ in voxels: [low, high] with 0 ≤ low ≤ high, or one number for a fixed σ; default [0.25, 1.5].</param>
    public RandomGaussianSmooth(string[] fields, double probability = 0.1, [Arg("sigma", Description = "σ in voxels: [low, high] or one fixed value; null means [0.25, 1.5]")] double[]? sigma = null)
    {
        _fields = TransformArgs.Fields(fields);
        _probability = TransformArgs.Probability(probability);
        _sigma = ParseSigma(sigma);
    }

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        var random = context.CreateRandom();
        if (!RandomFiring.Fires(context, random, _probability, _fields, nameof(RandomGaussianSmooth))) return;
        var sigmas = new[] { _sigma.Draw(random), _sigma.Draw(random), _sigma.Draw(random) };
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(RandomGaussianSmooth), image => GaussianSmoothing.Smooth(image.Data, sigmas[..image.SpatialRank]));
    }

    private static UniformRange ParseSigma(double[]? sigma)
    {
        if (sigma is null) return new UniformRange(0.25, 1.5);
        IntensityArgs.RequireFinite(sigma, "sigma");
        if (sigma.Any(s => s < 0)) throw new ConfigArgException("sigma", $"sigma must be ≥ 0 voxels, got [{string.Join(", ", sigma)}]");
        return sigma.Length switch
        {
            1 => new UniformRange(sigma[0], sigma[0]),
            2 => new UniformRange(Math.Min(sigma[0], sigma[1]), Math.Max(sigma[0], sigma[1])),
            _ => throw new ConfigArgException("sigma", $"give sigma as [low, high] or as one fixed number, got {sigma.Length} numbers"),
        };
    }
}
