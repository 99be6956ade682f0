using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>Training augmentation: adds zero-mean Gaussian noise of the given variance to every voxel, with a probability.</summary>
/// <remarks>
/// Clara's documented args and defaults (probability 0.5, variance 0.1); the noise standard deviation is √variance, fixed —
/// unlike MONAI's <c>RandGaussianNoise</c>, which draws the standard deviation from U(0, std) each time. Whether the noise
/// is added is decided once per sample; the noise itself comes from one torch generator seeded from the sample's stream,
/// drawn field after field and crop after crop, so every image gets its own noise and the whole sample is reproducible.
/// The result is float32 (float64 data stay float64), also when no noise is added.
/// </remarks>
[Component(ComponentKind.Transform, "AddGaussianNoise")]
public sealed class AddGaussianNoise : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _probability, _std;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to add noise to.</param>
    /// <param name="probability">Chance that a sample gets noise, in [0, 1].</param>
    /// <param name="variance">Variance of the noise, ≥ 0 (its standard deviation is the square root).</param>
    public AddGaussianNoise(string[] fields, double probability = 0.5, double variance = 0.1)
    {
        _fields = TransformArgs.Fields(fields);
        _probability = TransformArgs.Probability(probability);
        _std = Math.Sqrt(IntensityArgs.NonNegative(variance, "variance"));
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
        if (!RandomFiring.Fires(context, random, _probability, _fields, nameof(AddGaussianNoise))) return;
        using var generator = new Generator(random.NextTorchSeed());
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(AddGaussianNoise), image =>
            {
                var data = ComputeTypes.Copy(image.Data);
                return data.PlusInPlace(randn(data.shape, data.dtype, generator: generator).TimesInPlace(_std));
            });
    }
}
