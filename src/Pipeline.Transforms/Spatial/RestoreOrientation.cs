using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Reorients images back to the axis orientation of their source file (the inverse of <see cref="SetOrientation"/>), by permuting and flipping axes only.</summary>
/// <remarks>The target codes are those of <c>OriginalAffine</c> in each image's properties. Only the orientation is restored; <see cref="RestoreOriginalShape"/> also undoes crops, pads and resampling.</remarks>
[Component(ComponentKind.Transform, "RestoreOrientation")]
public sealed class RestoreOrientation : ITransform, IDeclaresFields
{
    private readonly string[] _fields;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to reorient.</param>
    public RestoreOrientation(string[] fields) => _fields = TransformArgs.Fields(fields);

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
            context.SetImages(field, context.GetImages(field, nameof(RestoreOrientation)).Select(image =>
            {
                var original = image.Properties.OriginalAffine
                    ?? throw new InvalidOperationException($"{nameof(RestoreOrientation)}: field '{field}' of sample {context.Sample.Index} ({context.Sample.Description}) records no original affine; load it with LoadNifti");
                return SetOrientation.Reorient(context, field, image, Imaging.Orientation.AxisCodes(original));
            }).ToList());
    }
}
