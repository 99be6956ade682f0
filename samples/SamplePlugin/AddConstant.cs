using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Native;

namespace SamplePlugin;

/// <summary>Adds a constant to every voxel of the images in the given fields: the smallest useful user transform.</summary>
/// <remarks>Used in a config as <c>{"name": "AddConstant", "args": {"fields": "image", "value": 1.5}}</c> or with <c>"path": "SamplePlugin.AddConstant"</c>.</remarks>
[Component(ComponentKind.Transform, "AddConstant")]
public sealed class AddConstant : ITransform
{
    private readonly string[] _fields;
    private readonly double _value;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Fields holding the images to change.</param>
    /// <param name="value">The constant to add; must be finite.</param>
    public AddConstant(
        [Arg("fields", Description = "fields holding the images to change")] string[] fields,
        [Arg("value", Description = "the constant added to every voxel")] double value)
    {
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        if (!double.IsFinite(value)) throw new ConfigArgException("value", $"must be a finite number, got {value}");
        _fields = fields;
        _value = value;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
        {
            var image = context.GetImage(field, nameof(AddConstant));
            context.Set(field, image.With(image.Data.Plus(_value)));
        }
    }
}
