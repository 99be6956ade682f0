using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Crops;

/// <summary>Cuts one label-balanced crop per sample (centre on foreground with probability pos/(pos+neg), else background), optionally rotated, scaled and deformed inside the crop.</summary>
/// <remarks>
/// <para>Clara's sampler is undocumented; centres follow MONAI's RandCropByPosNegLabel (see
/// <see cref="CropByPosNegRatio"/>: background needs image &gt; <c>image_threshold</c>; boxes shifted inside the image;
/// axes shorter than the box padded symmetrically with 0).</para>
/// <para>Without augmentation the crop is an exact copy of the box (dtype kept, affine translated by the start). With
/// <c>rotation</c>, <c>scale</c> or <c>deform</c>, image and label are sampled through one shared grid around the box
/// middle (<see cref="ResampledCrop"/>): image trilinear (float result), label nearest (dtype kept), zero outside the
/// image. Choices where Clara is silent: rotation angles uniform in ±<c>rotation_degree</c> about each spatial axis
/// (three in 3D, composed as MONAI does; one in 2D), applied in millimetres; zoom uniform in
/// [1 − <c>scale_factor</c>, 1 + <c>scale_factor</c>] independently per axis (input voxels per output voxel, MONAI's
/// RandAffine convention: &gt; 1 shows more of the image); deformation = Gaussian offsets (σ = 3 % of the crop size) on
/// a 4-per-axis control grid, interpolated linearly. The affine is exact for rotation and zoom; a deformation is not
/// affine and the affine then describes the undeformed grid.</para>
/// <para><c>fast_crop</c> is accepted and has no effect (there is one sampler). <c>batch_size</c> &gt; 1 gives an
/// ImageBatch of that many independent crops per field.</para>
/// </remarks>
[Component(ComponentKind.Transform, "FastPosNegRatioCropROI")]
public sealed class FastPosNegRatioCropROI : ITransform, IDeclaresFields, IDeclaresCropSize
{
    private readonly CropSizeArg _size;

    /// <inheritdoc />
    public IReadOnlyList<int> CropSize => _size.Configured;
    private readonly string[] _fields; // image, label
    private readonly double _positiveRatio, _imageThreshold;
    private readonly bool _deform, _rotation, _scale;
    private readonly double _rotationRadians, _scaleFactor;
    private readonly int _batchSize;

    /// <summary>Creates the transform.</summary>
    /// <param name="size">Crop size in voxels per spatial axis (one entry = the same for every axis).</param>
    /// <param name="imageField">Image to crop; background centres need some channel above <paramref name="imageThreshold"/>.</param>
    /// <param name="labelField">Label whose foreground balances the centres; cropped with nearest sampling.</param>
    /// <param name="pos">Weight of foreground centres.</param>
    /// <param name="neg">Weight of background centres.</param>
    /// <param name="deform">Apply a smooth random displacement inside the crop.</param>
    /// <param name="rotation">Rotate the crop by random angles within ±<paramref name="rotationDegree"/>.</param>
    /// <param name="rotationDegree">Largest rotation angle in degrees (0 to 180).</param>
    /// <param name="scale">Zoom the crop by a random factor within 1 ± <paramref name="scaleFactor"/> per axis.</param>
    /// <param name="scaleFactor">Largest relative zoom change, in [0, 1).</param>
    /// <param name="fastCrop">Accepted for Clara compatibility; no effect.</param>
    /// <param name="batchSize">Crops per sample; more than 1 stores an ImageBatch.</param>
    /// <param name="imageThreshold">Intensity a background centre must exceed in the image (MONAI's image_threshold).</param>
    public FastPosNegRatioCropROI(int[] size, string imageField, string labelField, double pos = 1.0, double neg = 1.0,
        bool deform = false, bool rotation = false, double rotationDegree = 20.0, bool scale = false, double scaleFactor = 0.1,
        bool fastCrop = true, int batchSize = 1, double imageThreshold = 0.0)
    {
        _size = new CropSizeArg(size);
        if (string.IsNullOrWhiteSpace(imageField)) throw new ConfigArgException("image_field", "name the image field to crop");
        if (string.IsNullOrWhiteSpace(labelField)) throw new ConfigArgException("label_field", "name the label field whose foreground balances the crops");
        if (imageField == labelField) throw new ConfigArgException("label_field", $"label_field and image_field are both '{labelField}'; they must differ");
        _positiveRatio = PosNegCentreSampler.PositiveRatio(pos, neg);
        if (!(rotationDegree is >= 0 and <= 180)) throw new ConfigArgException("rotation_degree", $"rotation_degree must be in [0, 180] degrees, got {rotationDegree}");
        if (!(scaleFactor is >= 0 and < 1)) throw new ConfigArgException("scale_factor", $"scale_factor must be in [0, 1) (zoom within 1 ± scale_factor), got {scaleFactor}");
        if (batchSize < 1) throw new ConfigArgException("batch_size", $"batch_size is the number of crops per sample and must be ≥ 1, got {batchSize}");
        if (!double.IsFinite(imageThreshold)) throw new ConfigArgException("image_threshold", "image_threshold must be a finite number");
        _ = fastCrop;

        _fields = [imageField, labelField];
        (_deform, _rotation, _scale) = (deform, rotation, scale);
        _rotationRadians = rotationDegree * Math.PI / 180;
        _scaleFactor = scaleFactor;
        _batchSize = batchSize;
        _imageThreshold = imageThreshold;
    }

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    string IDeclaresFields.FieldsArg => "image_field";

    private bool Augments => _deform || _rotation || _scale;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        var random = context.CreateRandom();
        FieldCropper.Apply(context, _fields, nameof(FastPosNegRatioCropROI),
            (_, volume) => Plan(volume[0], volume[1], random, context.Sample),
            (field, image, crop) => crop.Cut(image, isLabel: field == 1),
            alwaysBatch: _batchSize > 1);
    }

    private List<RoiCrop> Plan(MedicalImage image, MedicalImage label, SampleRandom random, SampleInfo sample)
    {
        var size = _size.For(label, nameof(FastPosNegRatioCropROI), _fields[1], sample);
        var shape = label.SpatialShape;
        var crops = new List<RoiCrop>();
        try
        {
            using var sampler = PosNegCentreSampler.Create(label, image, _imageThreshold, _positiveRatio);
            for (var c = 0; c < _batchSize; c++)
            {
                var window = CropWindow.Around(sampler.Draw(random).Centre, shape, size);
                crops.Add(new RoiCrop(window, Augments ? Resample(window, image, random) : null));
            }
            return crops;
        }
        catch
        {
            foreach (var crop in crops) crop.Dispose();
            throw;
        }
    }

    private ResampledCrop Resample(CropWindow window, MedicalImage image, SampleRandom random)
    {
        var rank = window.Size.Count;
        var rotation = CropAugmentation.Identity(rank);
        if (_rotation)
        {
            var angles = Enumerable.Range(0, rank == 3 ? 3 : 1).Select(_ => random.NextDouble(-_rotationRadians, _rotationRadians)).ToArray();
            rotation = CropAugmentation.Rotation(angles);
        }
        var zoom = Enumerable.Range(0, rank).Select(_ => _scale ? random.NextDouble(1 - _scaleFactor, 1 + _scaleFactor) : 1.0).ToArray();
        var linear = CropAugmentation.Linear(rotation, image.Spacing, zoom);
        if (!_deform) return ResampledCrop.Create(window, image.SpatialShape, linear, null);
        using var displacement = CropAugmentation.Displacement(window.Size, random);
        return ResampledCrop.Create(window, image.SpatialShape, linear, displacement);
    }

    /// <summary>One crop: a plain window, or a window with a sampling grid.</summary>
    private sealed record RoiCrop(CropWindow Window, ResampledCrop? Grid) : IDisposable
    {
        public MedicalImage Cut(MedicalImage image, bool isLabel) => Grid is null ? Window.Extract(image) : Grid.Sample(image, nearest: isLabel);

        public void Dispose() => Grid?.Dispose();
    }
}
