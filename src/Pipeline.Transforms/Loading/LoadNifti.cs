using System.Text.Json.Nodes;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Transforms.Nifti;
using Pipeline.Transforms.Spatial;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Loading;

/// <summary>Replaces the file path(s) in each field with the NIfTI image they name; a list of files in one field becomes the channels of one image.</summary>
[Component(ComponentKind.Transform, "LoadNifti")]
public sealed class LoadNifti : ITransform, IDeclaresFields
{
    private static readonly Dictionary<string, ScalarType?> DataTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["float32"] = ScalarType.Float32, ["float64"] = ScalarType.Float64, ["float16"] = ScalarType.Float16,
        ["uint8"] = ScalarType.Byte, ["int8"] = ScalarType.Int8, ["int16"] = ScalarType.Int16,
        ["int32"] = ScalarType.Int32, ["int64"] = ScalarType.Int64, ["native"] = null,
    };

    private readonly string[] _fields;
    private readonly ScalarType? _dtype;
    private readonly bool _asClosestCanonical;

    /// <summary>Creates the loader.</summary>
    /// <param name="fields">Fields holding a path or a list of paths (channels).</param>
    /// <param name="dtype">Voxel type of the loaded data: float32 (Clara's default), float64, float16, uint8, int8, int16, int32, int64, or native (the file's type).</param>
    /// <param name="asClosestCanonical">Reorient to the closest RAS+ axis order by permuting and flipping axes, as nibabel's <c>as_closest_canonical</c>.</param>
    public LoadNifti(string[] fields, string dtype = "float32", bool asClosestCanonical = false)
    {
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field");
        if (!DataTypes.TryGetValue(dtype, out var type))
            throw new ConfigArgException("dtype", $"unknown dtype '{dtype}'; accepted: {string.Join(", ", DataTypes.Keys)}");
        _fields = fields;
        _dtype = type;
        _asClosestCanonical = asClosestCanonical;
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
            var paths = PathsOf(context, field);
            var image = Load(paths);
            try
            {
                if (_asClosestCanonical && image.SpatialRank == 3)
                {
                    var canonical = Reorientation.Apply(image, "RAS");
                    image.Dispose();
                    image = canonical;
                }
                if (_dtype is { } t && image.Data.dtype != t)
                {
                    var cast = image.With(image.Data.to_type(t));
                    image.Dispose();
                    image = cast;
                }
            }
            catch
            {
                image.Dispose();
                throw;
            }
            context.Set(field, image);
        }
    }

    private static IReadOnlyList<string> PathsOf(TransformContext context, string field) => context.Get(field) switch
    {
        string path => [path],
        IReadOnlyList<string> list when list.Count > 0 => list,
        JsonValue v when v.TryGetValue<string>(out var path) => [path],
        null => throw new SampleFieldException(
            $"LoadNifti needs field '{field}', which sample {context.Sample.Index} ({context.Sample.Description}) does not have; fields present: {string.Join(", ", context.Fields.Order())}"),
        var other => throw new SampleFieldException(
            $"LoadNifti needs a file path (or a list of paths) in field '{field}' of sample {context.Sample.Index} ({context.Sample.Description}), found {other.GetType().Name}"),
    };

    private static MedicalImage Load(IReadOnlyList<string> paths)
    {
        if (paths.Count == 1) return NiftiReader.Read(paths[0]);

        var parts = new List<MedicalImage>();
        try
        {
            foreach (var path in paths) parts.Add(NiftiReader.Read(path));
            var first = parts[0];
            for (var i = 1; i < parts.Count; i++)
            {
                if (!parts[i].SpatialShape.SequenceEqual(first.SpatialShape))
                    throw new InvalidDataException($"{paths[i]}: shape [{string.Join("×", parts[i].SpatialShape)}] differs from [{string.Join("×", first.SpatialShape)}] of {paths[0]}; channel files must share one grid");
                if (!parts[i].Affine.ApproximatelyEquals(first.Affine, 1e-3))
                    throw new InvalidDataException($"{paths[i]}: its affine differs from that of {paths[0]}; channel files must share one grid");
            }
            // Channels of mixed file types are promoted to one type, as numpy's concatenate would.
            var type = parts.Select(p => p.Data.dtype).Aggregate(promote_types);
            using var scope = NewDisposeScope();
            var data = cat(parts.Select(p => p.Data.to_type(type)).ToArray(), 0).MoveToOuterDisposeScope();
            var properties = new ImageProperties
            {
                SourceFiles = parts.SelectMany(p => p.Properties.SourceFiles).ToList(),
                OriginalAffine = first.Properties.OriginalAffine,
                OriginalSpatialShape = first.Properties.OriginalSpatialShape,
            };
            return new MedicalImage(data, first.Affine, properties);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
