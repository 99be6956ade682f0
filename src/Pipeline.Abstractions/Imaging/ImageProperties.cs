namespace Pipeline.Imaging;

/// <summary>What a writer needs to put a result back on the source image's grid: where it came from and its original geometry.</summary>
public sealed class ImageProperties
{
    /// <summary>The file (or files, for multi-channel inputs) the image was read from.</summary>
    public IReadOnlyList<string> SourceFiles { get; init; } = [];

    /// <summary>The affine of the image as stored in its source file.</summary>
    public AffineMatrix? OriginalAffine { get; init; }

    /// <summary>The spatial shape of the image as stored in its source file, in voxel index order (i, j, k).</summary>
    public long[]? OriginalSpatialShape { get; init; }

    /// <summary>Further named properties set by transforms (e.g. applied crops) that inverse transforms read.</summary>
    public IReadOnlyDictionary<string, object> Extra { get; init; } = new Dictionary<string, object>();

    /// <summary>A copy with one extra property set.</summary>
    public ImageProperties With(string key, object value)
    {
        var extra = new Dictionary<string, object>(Extra) { [key] = value };
        return new ImageProperties { SourceFiles = SourceFiles, OriginalAffine = OriginalAffine, OriginalSpatialShape = OriginalSpatialShape, Extra = extra };
    }
}
