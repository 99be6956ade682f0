using Pipeline.Imaging;

namespace Pipeline.Data;

/// <summary>Identity of a sample in a run, from which reproducible random streams are derived.</summary>
/// <param name="Index">Position of the item in its data list.</param>
/// <param name="Description">What a user recognises the sample by (usually the image path).</param>
/// <param name="Seed">The run seed.</param>
/// <param name="Epoch">The epoch (0 outside training).</param>
public sealed record SampleInfo(int Index, string Description, long Seed = 0, int Epoch = 0);

/// <summary>A sample on its way through a transform chain: named fields (<c>image</c>, <c>label</c>, <c>model</c>, user fields) holding images or scalars.</summary>
/// <remarks>The context owns the images it holds: replacing or removing a field, or disposing the context, disposes the old image.</remarks>
public sealed class TransformContext : IDisposable
{
    private readonly Dictionary<string, object> _fields = new(StringComparer.Ordinal);

    /// <summary>Creates an empty context for one sample.</summary>
    public TransformContext(SampleInfo sample) => Sample = sample;

    /// <summary>The sample this context carries.</summary>
    public SampleInfo Sample { get; }

    /// <summary>Position in its chain of the transform now running; set by the chain so each transform gets its own random stream.</summary>
    public int Position { get; set; }

    /// <summary>The random stream of the running transform for this sample: the same (seed, epoch, sample, position) always gives the same draws.</summary>
    public SampleRandom CreateRandom() => new(Sample, Position);

    /// <summary>Field names currently set.</summary>
    public IReadOnlyCollection<string> Fields => _fields.Keys;

    /// <summary>True when the field is set.</summary>
    public bool Has(string field) => _fields.ContainsKey(field);

    /// <summary>The raw value of a field, or null.</summary>
    public object? Get(string field) => _fields.GetValueOrDefault(field);

    /// <summary>The image in a field.</summary>
    /// <exception cref="SampleFieldException">The field is absent or holds no image; the message names the field, the transform and the sample.</exception>
    public MedicalImage GetImage(string field, string requestedBy) =>
        _fields.TryGetValue(field, out var v) && v is MedicalImage image
            ? image
            : throw new SampleFieldException(
                v is null
                    ? $"{requestedBy} needs field '{field}', which sample {Sample.Index} ({Sample.Description}) does not have; fields present: {string.Join(", ", _fields.Keys.Order())}"
                    : $"{requestedBy} needs an image in field '{field}', but sample {Sample.Index} ({Sample.Description}) holds a {v.GetType().Name} there");

    /// <summary>The images of a field: one for a plain image, every crop for an <see cref="ImageBatch"/>.</summary>
    /// <exception cref="SampleFieldException">The field is absent or holds neither an image nor a batch.</exception>
    public IReadOnlyList<MedicalImage> GetImages(string field, string requestedBy) =>
        _fields.TryGetValue(field, out var v) && v is ImageBatch batch ? batch.Items : [GetImage(field, requestedBy)];

    /// <summary>The images a field holds (one, every crop of a batch, or none when it holds no image); never throws.</summary>
    public IReadOnlyList<MedicalImage> ImagesIn(string field) => ImagesOf(_fields.GetValueOrDefault(field)).ToList();

    /// <summary>Sets a field to one image, or to a batch when <paramref name="images"/> has several or the field held a batch.</summary>
    public void SetImages(string field, IReadOnlyList<MedicalImage> images)
    {
        var wasBatch = _fields.TryGetValue(field, out var old) && old is ImageBatch;
        Set(field, images.Count == 1 && !wasBatch ? images[0] : new ImageBatch(images));
    }

    /// <summary>Sets a field, disposing the images it held before that the new value does not keep.</summary>
    public void Set(string field, object value)
    {
        if (_fields.TryGetValue(field, out var old) && !ReferenceEquals(old, value))
        {
            var kept = ImagesOf(value).ToHashSet(ReferenceEqualityComparer.Instance);
            foreach (var image in ImagesOf(old))
                if (!kept.Contains(image)) image.Dispose();
            if (old is IDisposable d and not MedicalImage and not ImageBatch) d.Dispose();
        }
        _fields[field] = value;
    }

    private static IEnumerable<MedicalImage> ImagesOf(object? value) => value switch
    {
        MedicalImage image => [image],
        ImageBatch batch => batch.Items,
        _ => [],
    };

    /// <summary>A deep copy of the fields under another identity (e.g. the same item in a later epoch): images get their own tensors, other values are shared.</summary>
    /// <remarks>Values other than images are data-list values (paths, numbers, strings), which nothing mutates, so sharing them is safe.</remarks>
    /// <exception cref="InvalidOperationException">A field holds a disposable value other than an image, which cannot be shared.</exception>
    public TransformContext CopyAs(SampleInfo sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var copy = new TransformContext(sample);
        try
        {
            foreach (var (field, value) in _fields)
                copy._fields[field] = value switch
                {
                    MedicalImage image => CopyOf(image),
                    ImageBatch batch => new ImageBatch(batch.Items.Select(CopyOf).ToList()),
                    IDisposable => throw new InvalidOperationException(
                        $"field '{field}' of sample {Sample.Index} ({Sample.Description}) holds a {value.GetType().Name}, which a copy of the sample cannot share"),
                    _ => value,
                };
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    private static MedicalImage CopyOf(MedicalImage image) => image.With(image.Data.clone());

    /// <summary>Removes a field and disposes its image.</summary>
    public void Remove(string field)
    {
        if (_fields.Remove(field, out var old) && old is IDisposable d) d.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var images = _fields.Values.SelectMany(ImagesOf).Distinct(ReferenceEqualityComparer.Instance).Cast<MedicalImage>();
        foreach (var image in images) image.Dispose();
        foreach (var v in _fields.Values.Where(v => v is IDisposable and not MedicalImage and not ImageBatch)) ((IDisposable)v).Dispose();
        _fields.Clear();
    }
}

/// <summary>A transform asked for a field the sample does not have (or of another type).</summary>
public sealed class SampleFieldException(string message) : Exception(message);
