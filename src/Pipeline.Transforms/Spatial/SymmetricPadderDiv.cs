using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Pads images symmetrically so every spatial size becomes a multiple of a divisor (for networks that halve the resolution several times), shifting the affine so voxels keep their world position.</summary>
/// <remarks>
/// Clara lists the name without documenting its args; these follow MONAI's DivisiblePad (method "symmetric"): an axis
/// of size n grows to ⌈n/d⌉·d, with ⌊extra/2⌋ voxels before and the rest after. Sizes already divisible are untouched.
/// </remarks>
[Component(ComponentKind.Transform, "SymmetricPadderDiv")]
public sealed class SymmetricPadderDiv : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly long[] _divisor;
    private readonly PadMode _mode;
    private readonly double _value;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to pad.</param>
    /// <param name="divisor">Each spatial size is padded up to a multiple of this (one value for all axes, or one per axis); 32 suits networks with up to five halvings.</param>
    /// <param name="mode">How new voxels are filled: constant, edge or reflect.</param>
    /// <param name="value">Fill value for mode constant.</param>
    public SymmetricPadderDiv(string[] fields, long[]? divisor = null, PadMode mode = PadMode.Constant, double value = 0)
    {
        _fields = TransformArgs.Fields(fields);
        _divisor = SpatialArgs.PerAxis(divisor ?? [32], "divisor", d => d >= 1, "a positive divisor");
        if (!double.IsFinite(value)) throw new ConfigArgException("value", "the fill value must be a finite number");
        _mode = mode;
        _value = value;
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
            context.SetImages(field, context.GetImages(field, nameof(SymmetricPadderDiv)).Select(Pad).ToList());
    }

    private MedicalImage Pad(MedicalImage image)
    {
        var divisor = SpatialArgs.ForRank(_divisor, image.SpatialRank);
        var extra = image.SpatialShape.Select((n, a) => (divisor[a] - n % divisor[a]) % divisor[a]).ToArray();
        var before = extra.Select(e => e / 2).ToArray();
        var after = extra.Select((e, a) => e - before[a]).ToArray();
        return ImagePadding.Pad(image, before, after, _mode, _value);
    }
}
