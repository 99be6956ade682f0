using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Spatial;

/// <summary>Zooms an image and its label by a random factor per axis about the grid centre, keeping the shape (image linear, label nearest); the affine's spacing becomes old/zoom so content keeps its world position.</summary>
/// <remarks>
/// Clara's numerics are not documented. Each axis's factor is drawn uniformly from [lower, upper] (a single value in both
/// limits gives one isotropic factor, as MONAI's RandZoom); factors above 1 enlarge the content (new voxel t reads old
/// index c + (t − c)/z, c the grid centre), below 1 shrink it, and points beyond the image take the edge value unless
/// padding_mode is constant (0). Clara's configs never set a probability, so the zoom applies every time by default.
/// Each crop of a batching crop gets its own draw, shared by image and label.
/// </remarks>
[Component(ComponentKind.Transform, "RandomZoom")]
public sealed class RandomZoom : ITransform, IDeclaresFields
{
    private readonly string _imageField;
    private readonly string? _labelField;
    private readonly double[] _lower, _upper;
    private readonly double _probability;
    private readonly ResamplePadding _padding;

    /// <summary>Creates the transform.</summary>
    /// <param name="imageField">Image field (linear interpolation).</param>
    /// <param name="labelField">Label field zoomed identically (nearest neighbour); optional.</param>
    /// <param name="lowerLimits">Smallest zoom factor per spatial axis, or one for all.</param>
    /// <param name="upperLimits">Largest zoom factor per spatial axis, or one for all.</param>
    /// <param name="probability">Probability of zooming at all.</param>
    /// <param name="paddingMode">Value of voxels zoomed in from outside the image: border (edge value) or constant (0).</param>
    public RandomZoom(string imageField, string? labelField = null, double[]? lowerLimits = null, double[]? upperLimits = null,
        double probability = 1.0, ResamplePadding paddingMode = ResamplePadding.Border)
    {
        _imageField = TransformArgs.Field(imageField, "image_field");
        if (labelField is not null && (string.IsNullOrWhiteSpace(labelField) || labelField == imageField))
            throw new ConfigArgException("label_field", "name a label field other than image_field, or omit it");
        _labelField = labelField;
        _lower = SpatialArgs.PerAxis(lowerLimits ?? [0.9], "lower_limits", z => z > 0, "a positive zoom factor");
        _upper = SpatialArgs.PerAxis(upperLimits ?? [1.1], "upper_limits", z => z > 0, "a positive zoom factor");
        for (var a = 0; a < 3; a++)
            if (SpatialArgs.ForRank(_lower, 3)[a] > SpatialArgs.ForRank(_upper, 3)[a])
                throw new ConfigArgException("lower_limits", $"lower_limits [{string.Join(", ", _lower)}] must not exceed upper_limits [{string.Join(", ", _upper)}]");
        _probability = TransformArgs.Probability(probability);
        _padding = paddingMode;
    }

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _labelField is null ? [_imageField] : [_imageField, _labelField];

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => ReadsFields;

    /// <inheritdoc />
    public string FieldsArg => "image_field";

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        SampleDraws.Apply(context, ReadsFields, nameof(RandomZoom), Draw,
            (image, field, factors) => factors is null ? image
                : Zoom(image, factors, field == _imageField ? Interpolation.Linear : Interpolation.Nearest, _padding));

    /// <summary>The image zoomed by <paramref name="factors"/> (one per spatial axis) about its grid centre, same shape; the caller keeps ownership of <paramref name="image"/>.</summary>
    public static MedicalImage Zoom(MedicalImage image, IReadOnlyList<double> factors, Interpolation interpolation, ResamplePadding padding = ResamplePadding.Border) =>
        AffineResampler.ResampleByIndexMap(image, IndexMaps.ZoomAboutCentre(image.SpatialShape, factors), image.SpatialShape, interpolation, padding);

    private double[]? Draw(SampleRandom random, int rank)
    {
        if (!random.NextBool(_probability)) return null;
        if (_lower.Length == 1 && _upper.Length == 1)
            return Enumerable.Repeat(random.NextDouble(_lower[0], _upper[0]), rank).ToArray();
        var lower = SpatialArgs.ForRank(_lower, rank);
        var upper = SpatialArgs.ForRank(_upper, rank);
        return Enumerable.Range(0, rank).Select(a => random.NextDouble(lower[a], upper[a])).ToArray();
    }
}
