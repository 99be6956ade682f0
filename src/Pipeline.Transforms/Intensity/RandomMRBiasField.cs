using Pipeline.Components;
using Pipeline.Data;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>Training augmentation for MR images: multiplies intensities by exp(a smooth random polynomial field), with a probability.</summary>
/// <remarks>
/// Clara lists the transform without documenting it; this is MONAI's <c>RandBiasField</c> (degree 3, coefficients from
/// U(0, 0.1)): the field of <see cref="LegendreBiasField"/> with coefficients drawn uniformly from <c>coeff_range</c>, applied
/// as <c>v · exp(field)</c> to every channel alike. MONAI's default probability is 0.1 and is kept. Coefficients are drawn once
/// per sample (for each spatial rank met, in field order) and used for every field and crop; crops of one volume therefore get
/// the same field over their own grid, as MONAI would give them. The result is float32 (float64 data stay float64), also when
/// the transform does not fire.
/// </remarks>
[Component(ComponentKind.Transform, "RandomMRBiasField")]
public sealed class RandomMRBiasField : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _probability;
    private readonly int _degree;
    private readonly UniformRange _coefficients;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to bias.</param>
    /// <param name="probability">Chance that a sample is biased at all, in [0, 1].</param>
    /// <param name="degree">Highest total polynomial degree, ≥ 1.</param>
    /// <param name="coeffRange">[low, high] that every coefficient is drawn from; default [0, 0.1].</param>
    public RandomMRBiasField(string[] fields, double probability = 0.1, int degree = 3, [Arg("coeff_range", Description = "[low, high] of every coefficient; null means [0, 0.1]")] double[]? coeffRange = null)
    {
        _fields = TransformArgs.Fields(fields);
        _probability = TransformArgs.Probability(probability);
        if (degree < 1) throw new ConfigArgException("degree", $"degree must be ≥ 1, got {degree}");
        _degree = degree;
        coeffRange ??= [0.0, 0.1];
        IntensityArgs.RequireFinite(coeffRange, "coeff_range");
        if (coeffRange.Length != 2 || coeffRange[0] > coeffRange[1])
            throw new ConfigArgException("coeff_range", $"give coeff_range as [low, high] with low ≤ high, got [{string.Join(", ", coeffRange)}]");
        _coefficients = new UniformRange(coeffRange[0], coeffRange[1]);
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
        if (!RandomFiring.Fires(context, random, _probability, _fields, nameof(RandomMRBiasField))) return;
        var byRank = new Dictionary<int, double[]>();
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(RandomMRBiasField), image =>
            {
                if (!byRank.TryGetValue(image.SpatialRank, out var coefficients))
                {
                    coefficients = new double[LegendreBiasField.CoefficientCount(image.SpatialRank, _degree)];
                    for (var i = 0; i < coefficients.Length; i++) coefficients[i] = _coefficients.Draw(random);
                    byRank[image.SpatialRank] = coefficients;
                }
                return ApplyField(image.Data, _degree, coefficients);
            });
    }

    /// <summary><paramref name="data"/> [C, spatial...] times exp(field) for the given coefficients, in the data's compute type.</summary>
    public static Tensor ApplyField(Tensor data, int degree, IReadOnlyList<double> coefficients)
    {
        using var scope = NewDisposeScope();
        var type = ComputeTypes.For(data);
        var gain = LegendreBiasField.Field(data.shape[1..], degree, coefficients).exp_().to_type(type);
        return data.to_type(type).mul(gain).MoveToOuterDisposeScope();
    }
}
