using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Intensity;

/// <summary>Maps intensities linearly from [a_min, a_max] to [b_min, b_max], optionally clipping to the target range (a CT window).</summary>
/// <remarks>Numerics follow MONAI's ScaleIntensityRange: <c>(x − a_min) / (a_max − a_min) · (b_max − b_min) + b_min</c>, computed in float32.</remarks>
[Component(ComponentKind.Transform, "ScaleIntensityRange")]
public sealed class ScaleIntensityRange : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _aMin, _aMax, _bMin, _bMax;
    private readonly bool _clip;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to scale.</param>
    /// <param name="aMin">Source intensity mapped to <paramref name="bMin"/>.</param>
    /// <param name="aMax">Source intensity mapped to <paramref name="bMax"/>; must be greater than <paramref name="aMin"/>.</param>
    /// <param name="bMin">Target of <paramref name="aMin"/>.</param>
    /// <param name="bMax">Target of <paramref name="aMax"/>.</param>
    /// <param name="clip">Clip the result to [b_min, b_max].</param>
    public ScaleIntensityRange(string[] fields, double aMin, double aMax, double bMin = 0.0, double bMax = 1.0, bool clip = false)
    {
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        if (!(aMax > aMin)) throw new ConfigArgException("a_max", $"a_max ({aMax}) must be greater than a_min ({aMin})");
        if (!double.IsFinite(bMin) || !double.IsFinite(bMax)) throw new ConfigArgException("b_min", "b_min and b_max must be finite numbers");
        _fields = fields;
        (_aMin, _aMax, _bMin, _bMax, _clip) = (aMin, aMax, bMin, bMax, clip);
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
            context.SetImages(field, context.GetImages(field, nameof(ScaleIntensityRange)).Select(Scale).ToList());
    }

    private MedicalImage Scale(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        var scale = (_bMax - _bMin) / (_aMax - _aMin);
        var result = image.Data.to_type(ScalarType.Float32).Minus(_aMin).TimesInPlace(scale).PlusInPlace(_bMin);
        if (_clip) result = result.ClampedInPlace(Math.Min(_bMin, _bMax), Math.Max(_bMin, _bMax));
        return image.With(result.MoveToOuterDisposeScope());
    }
}
