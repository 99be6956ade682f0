using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Transforms.Intensity;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Loading;

/// <summary>Replaces the file path(s) in each field with the 2-D PNG image they name; a list of files in one field becomes the channels of one image.</summary>
/// <remarks>
/// Layout, geometry and colour handling are <see cref="PngReader"/>'s: data [C, x, y] as MONAI's PILReader gives them
/// (first spatial axis along the width), identity affine, grey → 1 channel, RGB → 3, RGBA → 4. <c>as_grey</c> (not a Clara
/// arg) converts colour to one grey channel with PIL's formula. Channel files must share one size.
/// </remarks>
[Component(ComponentKind.Transform, "LoadPng")]
public sealed class LoadPng : ITransform, IDeclaresFields, ILoadsFiles
{
    private readonly string[] _fields;
    private readonly ScalarType? _dtype;
    private readonly bool _asGrey;

    /// <summary>Creates the loader.</summary>
    /// <param name="fields">Fields holding a path or a list of paths (channels).</param>
    /// <param name="dtype">Voxel type of the loaded data: float32 (default), float64, float16, uint8, int8, int16, int32, int64, or native (uint8 for 8-bit files, int32 for 16-bit ones).</param>
    /// <param name="asGrey">Convert colour images to one grey channel (PIL's <c>convert('L')</c>) and drop alpha.</param>
    public LoadPng(string[] fields, string dtype = "float32", bool asGrey = false)
    {
        _fields = TransformArgs.Fields(fields);
        _dtype = LoadedDataTypes.Parse(dtype);
        _asGrey = asGrey;
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
            var image = ChannelFiles.Load(FieldPaths.Of(context, field, nameof(LoadPng)), path => PngReader.Read(path, _asGrey));
            context.Set(field, ChannelFiles.ConvertTo(image, _dtype));
        }
    }
}
