using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;

namespace MyTransforms;

/// <summary>Multiplies every voxel of the images in <c>fields</c> by <c>factor</c>.</summary>
/// <remarks>In a config: <c>{"name": "MyTransformsMultiply", "args": {"fields": "image", "factor": 2.0}}</c>.</remarks>
[Component(ComponentKind.Transform, "MyTransformsMultiply")]
public sealed class Multiply : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly double _factor;

    /// <summary>Checks the args; a bad one is reported at its JSON path.</summary>
    /// <param name="fields">Fields holding the images to change.</param>
    /// <param name="factor">The finite factor every voxel is multiplied by.</param>
    public Multiply(string[] fields, double factor = 1.0)
    {
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        if (!double.IsFinite(factor)) throw new ConfigArgException("factor", $"must be a finite number, got {factor}");
        _fields = fields;
        _factor = factor;
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
        {
            var image = context.GetImage(field, nameof(Multiply));
            // Times, not mul: TorchSharp would pass the factor as a temporary scalar that can be freed mid-call (see HeldScalars).
            context.Set(field, image.With(image.Data.Times(_factor)));
        }
    }
}
