using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Removes all but the largest connected component: of each label value in a label map, or of each channel of a multi-channel mask.</summary>
/// <remarks>
/// <para>
/// Follows MONAI's <c>KeepLargestConnectedComponent</c> with <c>independent=True</c> (Clara 3.1 only documents a library
/// helper): a single-channel image is a label map and each non-zero label value keeps its own largest component; a
/// multi-channel image holds one mask per channel (foreground = non-zero) and each channel keeps its largest component.
/// Removed voxels become 0; kept voxels keep their values and the type is unchanged. Unlike MONAI, which skips channel 0
/// of one-hot data as background, every channel is processed (Clara's BraTS channels TC/WT/ET have no background
/// channel); list the channels in <c>applied_labels</c> to skip some.
/// </para>
/// <para>
/// Ties between equally large components keep the one whose first voxel comes first in C order of [i, j, k] (scipy's
/// component numbering with <c>argmax</c>). Values must be integers: probabilities are rejected, threshold or argmax first.
/// </para>
/// </remarks>
[Component(ComponentKind.Transform, "KeepLargestCC")]
public sealed class KeepLargestCC : ITransform, IDeclaresFields
{
    private static readonly int[] Accepted = [4, 8, 6, 18, 26];

    private readonly string[] _fields;
    private readonly Connectivity? _connectivity;
    private readonly double[]? _appliedLabels;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Fields holding label maps or multi-channel binary masks.</param>
    /// <param name="connectivity">Neighbourhood: 26 (3D full, default), 18 or 6 (3D faces only); 8 (2D full, default) or 4 (2D edges only).</param>
    /// <param name="appliedLabels">Label values (single-channel images) or channel indices (multi-channel) to process; default all non-zero labels or all channels.</param>
    public KeepLargestCC(string[] fields, int? connectivity = null, double[]? appliedLabels = null)
    {
        _fields = TransformArgs.Fields(fields, "fields");
        if (connectivity is { } c)
        {
            if (!Accepted.Contains(c))
                throw new ConfigArgException("connectivity", $"connectivity {c} is not supported; accepted: 26, 18 or 6 for 3D images, 8 or 4 for 2D images (default: 26 / 8, full)");
            _connectivity = (Connectivity)c;
        }
        if (appliedLabels is not null)
        {
            if (appliedLabels.Length == 0) throw new ConfigArgException("applied_labels", "list at least one label, or leave applied_labels out to process all");
            for (var i = 0; i < appliedLabels.Length; i++)
                if (!double.IsFinite(appliedLabels[i])) throw new ConfigArgException($"applied_labels[{i}]", $"labels must be finite numbers, got {appliedLabels[i]}");
            _appliedLabels = appliedLabels.Distinct().ToArray();
        }
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
            var images = context.GetImages(field, nameof(KeepLargestCC));
            var results = new List<MedicalImage>();
            try
            {
                foreach (var image in images) results.Add(KeepLargest(context, field, image));
            }
            catch
            {
                foreach (var r in results) r.Dispose();
                throw;
            }
            context.SetImages(field, results);
        }
    }

    private MedicalImage KeepLargest(TransformContext context, string field, MedicalImage image)
    {
        var connectivity = _connectivity ?? LargestConnectedComponent.Full(image.SpatialRank);
        if (!LargestConnectedComponent.Suits(connectivity, image.SpatialRank))
            throw FieldImages.Problem(context, nameof(KeepLargestCC), field,
                $"is {image.SpatialRank}D, which connectivity {(int)connectivity} does not suit; use {(image.SpatialRank == 2 ? "8 or 4" : "26, 18 or 6")}");

        using var scope = NewDisposeScope();
        var data = image.Data;
        if (data.is_floating_point() && data.ne(data.round()).any().item<bool>())
            throw FieldImages.Problem(context, nameof(KeepLargestCC), field,
                "holds non-integer values; KeepLargestCC needs a label map or binary masks (apply ThresholdValues or ArgmaxAcrossChannels first)");

        var result = data.clone();
        var shape = image.SpatialShape;
        if (image.Channels == 1)
        {
            var labels = result.select(0, 0);
            foreach (var value in _appliedLabels ?? NonZeroValues(labels))
            {
                var region = labels.EqualTo(value);
                var kept = KeptPart(region, shape, connectivity);
                labels.MaskedFillInPlace(region.logical_xor(kept), 0); // kept ⊆ region: xor is what was removed
            }
        }
        else
        {
            foreach (var channel in ChannelsToProcess(context, field, image))
            {
                var values = result.select(0, channel);
                var kept = KeptPart(values.NotEqualTo(0), shape, connectivity);
                values.MaskedFillInPlace(kept.logical_not(), 0);
            }
        }
        return image.With(result.MoveToOuterDisposeScope());
    }

    private IEnumerable<long> ChannelsToProcess(TransformContext context, string field, MedicalImage image)
    {
        if (_appliedLabels is null) return Enumerable.Range(0, (int)image.Channels).Select(c => (long)c);
        foreach (var c in _appliedLabels)
            if (c != Math.Floor(c) || c < 0 || c >= image.Channels)
                throw FieldImages.Problem(context, nameof(KeepLargestCC), field,
                    $"has {image.Channels} channels; applied_labels entry {c} is not a channel index of a multi-channel mask");
        return _appliedLabels.Select(c => (long)c);
    }

    /// <summary>The distinct non-zero values of an integer-valued label map, ascending.</summary>
    private static double[] NonZeroValues(Tensor labels)
    {
        using var scope = NewDisposeScope();
        var (min, max) = labels.aminmax();
        var low = min.to_type(ScalarType.Float64).item<double>();
        var high = max.to_type(ScalarType.Float64).item<double>();
        // torch.unique sorts every voxel (about a second at 256³); label maps are small non-negative integers, which a
        // histogram finds in one pass.
        if (low >= 0 && high <= ushort.MaxValue)
        {
            var counts = labels.flatten().to_type(high <= byte.MaxValue ? ScalarType.Byte : ScalarType.Int32).bincount(null);
            var present = counts.nonzero().flatten().to_type(ScalarType.Float64);
            return present.data<double>().ToArray().Where(v => v != 0).ToArray();
        }
        var (values, _, _) = labels.unique();
        return values.to_type(ScalarType.Float64).data<double>().ToArray().Where(v => v != 0).ToArray();
    }

    /// <summary>The largest component of a boolean mask, as a boolean mask.</summary>
    private static Tensor KeptPart(Tensor region, long[] shape, Connectivity connectivity)
    {
        var bytes = region.to_type(ScalarType.Byte).contiguous();
        LargestConnectedComponent.Keep(bytes.bytes, shape, connectivity);
        return bytes.to_type(ScalarType.Bool);
    }
}
