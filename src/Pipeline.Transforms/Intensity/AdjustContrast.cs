using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>Training augmentation: a random gamma curve, <c>((x − min) / (max − min + ε))^γ · (max − min) + min</c>, with a probability.</summary>
/// <remarks>
/// Clara lists the transform without documenting it; this is MONAI's <c>RandAdjustContrast</c> with its defaults
/// (probability 0.1, γ from [0.5, 4.5], ε = 1e-7). min and max are taken over the whole image, all channels together, as
/// MONAI does. One γ is drawn per sample and used for every field and crop. The result is float32 (float64 data stay
/// float64), also when the transform does not fire.
/// </remarks>
[Component(ComponentKind.Transform, "AdjustContrast")]
public sealed class AdjustContrast : ITransform, IDeclaresFields
{
    /// <summary>MONAI's guard against a constant image.</summary>
    public const double Epsilon = 1e-7;

    private readonly string[] _fields;
    private readonly double _probability;
    private readonly UniformRange _gamma;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to change.</param>
    /// <param name="probability">Chance that a sample is changed at all, in [0, 1].</param>
    /// <param name="gamma">Range of γ: [low, high] with 0 &lt; low ≤ high, or one number g &gt; 0.5 for [0.5, g] (MONAI's reading); default [0.5, 4.5].</param>
    public AdjustContrast(string[] fields, double probability = 0.1, [Arg("gamma", Description = "γ range [low, high], or g for [0.5, g]; null means [0.5, 4.5]")] double[]? gamma = null)
    {
        _fields = TransformArgs.Fields(fields);
        _probability = TransformArgs.Probability(probability);
        _gamma = ParseGamma(gamma);
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
        if (!RandomFiring.Fires(context, random, _probability, _fields, nameof(AdjustContrast))) return;
        var gamma = _gamma.Draw(random);
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(AdjustContrast), image => Adjust(image.Data, gamma));
    }

    /// <summary>The gamma-adjusted copy of <paramref name="data"/>; min and max over all voxels of all channels.</summary>
    public static Tensor Adjust(Tensor data, double gamma)
    {
        var result = ComputeTypes.Copy(data);
        using var scope = NewDisposeScope();
        var min = result.min().ToDouble();
        var range = result.max().ToDouble() - min;
        result.MinusInPlace(min).DividedByInPlace(range + Epsilon).PowerInPlace(gamma).TimesInPlace(range).PlusInPlace(min);
        return result;
    }

    private static UniformRange ParseGamma(double[]? gamma)
    {
        if (gamma is null) return new UniformRange(0.5, 4.5);
        IntensityArgs.RequireFinite(gamma, "gamma");
        return gamma.Length switch
        {
            1 when gamma[0] > 0.5 => new UniformRange(0.5, gamma[0]),
            1 => throw new ConfigArgException("gamma", $"a single gamma g means the range [0.5, g] and must be greater than 0.5, got {gamma[0]}"),
            2 when Math.Min(gamma[0], gamma[1]) > 0 => new UniformRange(Math.Min(gamma[0], gamma[1]), Math.Max(gamma[0], gamma[1])),
            2 => throw new ConfigArgException("gamma", $"gamma values must be greater than 0, got [{gamma[0]}, {gamma[1]}]"),
            _ => throw new ConfigArgException("gamma", $"give gamma as [low, high] or as one number g for [0.5, g], got {gamma.Length} numbers"),
        };
    }
}
