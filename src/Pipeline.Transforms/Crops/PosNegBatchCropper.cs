using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Crops;

/// <summary>The shared work of the batching pos/neg crops: validated args, and <c>batch_size</c> label-balanced windows per volume cut from every field.</summary>
/// <remarks>
/// <c>batches_to_gen_at_once</c> is validated (≥ 1) and otherwise has no effect. Clara used it to draw centres for
/// several batches at once and serve them on later visits of the volume; doing that here would make a sample's crops
/// depend on how often and in which order it was visited before (cache state) rather than on (seed, epoch, sample),
/// which breaks reproducibility and resuming, and reusing an index search across calls would be wrong whenever a random
/// transform runs before the crop. The foreground/background search is instead done once per call and serves all
/// <c>batch_size</c> crops; it is one pass over the label (no index lists), so there is little left to amortise.
/// </remarks>
internal sealed class PosNegBatchCropper
{
    private readonly string _name;
    private readonly CropSizeArg _size;

    /// <summary>The crop size as configured.</summary>
    public IReadOnlyList<int> Size => _size.Configured;
    private readonly string[] _fields;
    private readonly int _labelIndex, _imageIndex;
    private readonly double _positiveRatio, _imageThreshold;
    private readonly int _batchSize;

    /// <summary>Validates the args; <paramref name="useImage"/> restricts background centres to the first non-label field above <paramref name="imageThreshold"/>.</summary>
    public PosNegBatchCropper(string name, int[] size, string[] fields, string labelField, double pos, double neg, int batchSize,
        int batchesToGenAtOnce, bool useImage, double imageThreshold)
    {
        _name = name;
        _size = new CropSizeArg(size);
        if (fields.Length == 0) throw new ConfigArgException("fields", "name at least one field to crop");
        if (string.IsNullOrWhiteSpace(labelField)) throw new ConfigArgException("label_field", "name the label field whose foreground balances the crops");
        _positiveRatio = PosNegCentreSampler.PositiveRatio(pos, neg);
        if (batchSize < 1) throw new ConfigArgException("batch_size", $"batch_size is the number of crops per volume and must be ≥ 1, got {batchSize}");
        if (batchesToGenAtOnce < 1) throw new ConfigArgException("batches_to_gen_at_once", $"batches_to_gen_at_once must be ≥ 1, got {batchesToGenAtOnce}");
        if (!double.IsFinite(imageThreshold)) throw new ConfigArgException("image_threshold", "image_threshold must be a finite number");

        _fields = FieldCropper.Union(fields, labelField);
        _labelIndex = Array.IndexOf(_fields, labelField);
        _imageIndex = useImage ? Array.FindIndex(_fields, f => f != labelField) : -1;
        _imageThreshold = imageThreshold;
        _batchSize = batchSize;
    }

    /// <summary>Cropped fields: the configured ones, then the label field if it was not among them.</summary>
    public IReadOnlyList<string> Fields => _fields;

    /// <summary>Replaces every field with an <see cref="ImageBatch"/> of <c>batch_size</c> crops.</summary>
    public void Apply(TransformContext context)
    {
        var random = context.CreateRandom();
        FieldCropper.Apply(context, _fields, _name,
            (_, volume) => PlanWindows(volume, random, context.Sample),
            (_, image, window) => window.Extract(image),
            alwaysBatch: true);
    }

    private List<CropWindow> PlanWindows(IReadOnlyList<MedicalImage> volume, SampleRandom random, SampleInfo sample)
    {
        var label = volume[_labelIndex];
        var size = _size.For(label, _name, _fields[_labelIndex], sample);
        using var sampler = PosNegCentreSampler.Create(label, _imageIndex >= 0 ? volume[_imageIndex] : null, _imageThreshold, _positiveRatio);
        var shape = label.SpatialShape;
        return Enumerable.Range(0, _batchSize).Select(_ => CropWindow.Around(sampler.Draw(random).Centre, shape, size)).ToList();
    }
}
