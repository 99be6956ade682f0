namespace Pipeline.Imaging;

/// <summary>Several images of one field of one sample, such as the crops a batching crop cuts from one volume.</summary>
/// <remarks>The batch owns its images.</remarks>
public sealed class ImageBatch : IDisposable
{
    /// <summary>Creates a batch that takes ownership of <paramref name="items"/>.</summary>
    public ImageBatch(IReadOnlyList<MedicalImage> items)
    {
        if (items.Count == 0) throw new ArgumentException("a batch holds at least one image", nameof(items));
        Items = items;
    }

    /// <summary>The images, in crop order.</summary>
    public IReadOnlyList<MedicalImage> Items { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var item in Items) item.Dispose();
    }
}
