using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Reorients images so their voxel axes point along target codes such as "RAS", by permuting and flipping axes only (no resampling); the affine is updated exactly.</summary>
/// <remarks>
/// Clara has no such transform; semantics follow MONAI's Orientation (codes name the direction each axis increases
/// towards, nibabel convention). For 2D images three-letter codes are reduced to the world axes the image spans. The
/// inverse is <see cref="RestoreOrientation"/> (or <see cref="RestoreOriginalShape"/>). The class is not called
/// Orientation so that it does not hide <see cref="Imaging.Orientation"/> in code that uses both namespaces.
/// </remarks>
[Component(ComponentKind.Transform, "Orientation", "SetOrientation")]
public sealed class SetOrientation : ITransform, ISetsImageGeometry
{
    private readonly string[] _fields;
    private readonly string _axcodes;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to reorient.</param>
    /// <param name="axcodes">Target orientation: one of L/R, P/A, I/S per axis, e.g. RAS or LPS.</param>
    public SetOrientation(string[] fields, string axcodes = "RAS")
    {
        _fields = TransformArgs.Fields(fields);
        try
        {
            if (Imaging.Orientation.ParseAxisCodes(axcodes).Length is not (2 or 3)) throw new ArgumentException("give two or three codes");
        }
        catch (ArgumentException e)
        {
            throw new ConfigArgException("axcodes", $"'{axcodes}' is not an orientation: {e.Message}");
        }
        _axcodes = axcodes.ToUpperInvariant();
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<double>? TargetSpacing => null;

    /// <inheritdoc />
    public string? TargetOrientation => _axcodes;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
            context.SetImages(field, context.GetImages(field, nameof(SetOrientation)).Select(image => Reorient(context, field, image, _axcodes)).ToList());
    }

    /// <summary>Reorients one image, naming the transform, field and sample when the codes cannot apply to it.</summary>
    internal static MedicalImage Reorient(TransformContext context, string field, MedicalImage image, string codes)
    {
        try
        {
            return Reorientation.Apply(image, codes);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"cannot reorient field '{field}' of sample {context.Sample.Index} ({context.Sample.Description}) to {codes}: {e.Message}", e);
        }
    }
}
