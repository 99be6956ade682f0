using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;

namespace Pipeline.Transforms.Intensity;

/// <summary>Training augmentation: multiplies intensities by a random factor 1 + f, f drawn uniformly from [−magnitude, magnitude].</summary>
/// <remarks>
/// Clara's exact formula is not documented (the catalog infers "random small scaling within ±magnitude"); this is MONAI's
/// <c>RandScaleIntensity(factors=magnitude)</c>: <c>v · (1 + f)</c>. One factor is drawn per sample and used for every
/// channel, field and crop. <c>probability</c> defaults to 1 because 24 of the 30 Clara configs that use the transform
/// omit it and clearly mean it to act (an assumption). The result is float32 (float64 data stay float64), also when the
/// transform does not fire.
/// </remarks>
[Component(ComponentKind.Transform, "ScaleIntensityOscillation")]
public sealed class ScaleIntensityOscillation : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _magnitude, _probability;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to scale.</param>
    /// <param name="magnitude">Largest relative change (Clara configs use 0.1); ≥ 0.</param>
    /// <param name="probability">Chance that a sample is scaled at all, in [0, 1].</param>
    public ScaleIntensityOscillation(string[] fields, double magnitude = 0.1, double probability = 1.0)
    {
        _fields = TransformArgs.Fields(fields);
        _magnitude = IntensityArgs.NonNegative(magnitude, "magnitude");
        _probability = TransformArgs.Probability(probability);
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
        if (!RandomFiring.Fires(context, random, _probability, _fields, nameof(ScaleIntensityOscillation))) return;
        var factor = 1 + random.NextDouble(-_magnitude, _magnitude);
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(ScaleIntensityOscillation), image => ComputeTypes.Copy(image.Data).TimesInPlace(factor));
    }
}
