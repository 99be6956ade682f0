using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;

namespace Pipeline.Transforms.Intensity;

/// <summary>Training augmentation: <c>v · (1 + f) + o</c> with a random scale factor f and a random offset o.</summary>
/// <remarks>
/// Clara documents only the arg names (BraTS configs omit both); this combines MONAI's <c>RandScaleIntensity(factors=scale)</c>
/// and <c>RandShiftIntensity(offsets=shift)</c>. Each range is given MONAI's way: one number x means (−x, x), two numbers
/// [low, high] the range itself (of f, not of 1 + f). Both default to 0.1, the intensity augmentation of the BraTS
/// segmentation model this transform comes from (applied after <c>NormalizeNonzeroIntensities</c>, so the shift is in units
/// of the channel's standard deviation). One f and one o are drawn per sample (scale first) and used for every channel,
/// field and crop; every voxel is shifted, zeros included, as in MONAI. The result is float32 (float64 data stay float64).
/// </remarks>
[Component(ComponentKind.Transform, "ScaleShiftIntensity")]
public sealed class ScaleShiftIntensity : ITransform, IDeclaresFields
{
    private static readonly UniformRange DefaultRange = new(-0.1, 0.1);

    private readonly string[] _fields;
    private readonly UniformRange _scale, _shift;
    private readonly double _probability;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to change.</param>
    /// <param name="scale">Range of f: one number x for (−x, x) or [low, high]; default 0.1.</param>
    /// <param name="shift">Range of the offset: one number x for (−x, x) or [low, high]; default 0.1.</param>
    /// <param name="probability">Chance that a sample is changed at all, in [0, 1] (not a Clara arg; default 1).</param>
    public ScaleShiftIntensity(
        string[] fields,
        [Arg("scale", Description = "range of f in v·(1+f): x for (−x, x) or [low, high]; null means 0.1")] double[]? scale = null,
        [Arg("shift", Description = "range of the offset: x for (−x, x) or [low, high]; null means 0.1")] double[]? shift = null,
        double probability = 1.0)
    {
        _fields = TransformArgs.Fields(fields);
        _scale = IntensityArgs.SymmetricOrPair(scale, "scale", DefaultRange);
        _shift = IntensityArgs.SymmetricOrPair(shift, "shift", DefaultRange);
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
        if (!RandomFiring.Fires(context, random, _probability, _fields, nameof(ScaleShiftIntensity))) return;
        var factor = 1 + _scale.Draw(random);
        var offset = _shift.Draw(random);
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(ScaleShiftIntensity),
                image => ComputeTypes.Copy(image.Data).TimesInPlace(factor).PlusInPlace(offset));
    }
}
