using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Loading;

/// <summary>Loads the files of one field and stacks them as the channels of one image (Clara: a list of files becomes channels).</summary>
internal static class ChannelFiles
{
    /// <summary>
    /// Reads every path with <paramref name="read"/>; one path gives its image, several give their channels in list order.
    /// Channel files must share spatial shape and (within 1e-3) affine; mixed voxel types are promoted as numpy's concatenate would.
    /// </summary>
    /// <exception cref="InvalidDataException">The files do not share one grid.</exception>
    public static MedicalImage Load(IReadOnlyList<string> paths, Func<string, MedicalImage> read)
    {
        if (paths.Count == 1) return read(paths[0]);

        var parts = new List<MedicalImage>();
        try
        {
            foreach (var path in paths) parts.Add(read(path));
            var first = parts[0];
            for (var i = 1; i < parts.Count; i++)
            {
                if (!parts[i].SpatialShape.SequenceEqual(first.SpatialShape))
                    throw new InvalidDataException($"{paths[i]}: shape [{string.Join("×", parts[i].SpatialShape)}] differs from [{string.Join("×", first.SpatialShape)}] of {paths[0]}; channel files must share one grid");
                if (!parts[i].Affine.ApproximatelyEquals(first.Affine, 1e-3))
                    throw new InvalidDataException($"{paths[i]}: its affine differs from that of {paths[0]}; channel files must share one grid");
            }
            var type = parts.Select(p => p.Data.dtype).Aggregate(promote_types);
            using var scope = NewDisposeScope();
            var data = cat(parts.Select(p => p.Data.to_type(type)).ToArray(), 0).MoveToOuterDisposeScope();
            var properties = new ImageProperties
            {
                SourceFiles = parts.SelectMany(p => p.Properties.SourceFiles).ToList(),
                OriginalAffine = first.Properties.OriginalAffine,
                OriginalSpatialShape = first.Properties.OriginalSpatialShape,
                Extra = first.Properties.Extra,
            };
            return new MedicalImage(data, first.Affine, properties);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Converts the image to <paramref name="type"/> (null keeps it), disposing the original when a copy is made.</summary>
    public static MedicalImage ConvertTo(MedicalImage image, ScalarType? type)
    {
        if (type is not { } t || image.Data.dtype == t) return image;
        try
        {
            return image.With(image.Data.to_type(t));
        }
        finally
        {
            image.Dispose();
        }
    }
}
