using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Crops;

/// <summary>Draws crop centres from the foreground of a label with probability pos/(pos+neg), otherwise from its background (MONAI RandCropByPosNegLabel).</summary>
/// <remarks>
/// <para>Foreground: voxels where the label is non-zero in any channel; a multi-channel label first loses channel 0,
/// which MONAI treats as the background channel of one-hot data. Background: label zero in every channel and, when an
/// image is given, some image channel &gt; the image threshold (so centres avoid air that intensity scaling mapped to 0).</para>
/// <para>A uniform pick from the voxel lists is done without materialising them (a 512×512×240 background list would
/// take 480 MB of int64): one bool mask per class plus its per-block counts (vectorised span counts). The r-th voxel
/// of a class is found by a binary search over the cumulative block counts and a scan of one
/// <see cref="BlockSize"/>-voxel block, so it is exactly element r of the flat index list MONAI would draw from.</para>
/// <para>An empty foreground forces background centres, an empty background forces foreground ones (MONAI warns and
/// does the same); with both empty the centre is uniform over the whole volume (MONAI raises an error instead).</para>
/// </remarks>
internal sealed class PosNegCentreSampler : IDisposable
{
    internal const int BlockSize = 4096;

    private readonly Tensor _foreground, _background; // flat bool masks, C order of the spatial axes
    private readonly long[] _foregroundCumulative, _backgroundCumulative; // length blocks + 1
    private readonly long[] _shape;
    private readonly double _positiveRatio;

    private PosNegCentreSampler(Tensor foreground, Tensor background, long[] shape, double positiveRatio)
    {
        _foreground = foreground;
        _background = background;
        _foregroundCumulative = CumulativeBlockCounts(foreground);
        _backgroundCumulative = CumulativeBlockCounts(background);
        _shape = shape;
        _positiveRatio = positiveRatio;
    }

    /// <summary>Number of foreground voxels.</summary>
    public long ForegroundCount => _foregroundCumulative[^1];

    /// <summary>Number of background voxels.</summary>
    public long BackgroundCount => _backgroundCumulative[^1];

    /// <summary>pos / (pos + neg), validated; throws <see cref="ConfigArgException"/> for negative or non-finite values or pos + neg = 0.</summary>
    public static double PositiveRatio(double pos, double neg)
    {
        if (!double.IsFinite(pos) || pos < 0) throw new ConfigArgException("pos", $"pos must be a finite number ≥ 0, got {pos}");
        if (!double.IsFinite(neg) || neg < 0) throw new ConfigArgException("neg", $"neg must be a finite number ≥ 0, got {neg}");
        if (pos + neg <= 0) throw new ConfigArgException("pos", "pos and neg cannot both be 0; the foreground share of crop centres is pos / (pos + neg)");
        return pos / (pos + neg);
    }

    /// <summary>Indexes the foreground and background of one volume.</summary>
    /// <param name="label">The label; its spatial shape must match <paramref name="image"/>'s.</param>
    /// <param name="image">Optional image restricting the background to voxels above <paramref name="imageThreshold"/>.</param>
    /// <param name="imageThreshold">Intensity a background voxel must exceed in some image channel.</param>
    /// <param name="positiveRatio">Probability of a foreground centre.</param>
    public static PosNegCentreSampler Create(MedicalImage label, MedicalImage? image, double imageThreshold, double positiveRatio)
    {
        using var scope = NewDisposeScope();
        var channels = label.Data.shape[0];
        // Single-channel data (the usual case) skips the channel reduction, which would be one more pass over the volume.
        var foreground = channels switch
        {
            1 => label.Data[0].NotEqualTo(0),
            2 => label.Data[1].NotEqualTo(0),
            _ => label.Data.narrow(0, 1, channels - 1).NotEqualTo(0).any(0),
        };
        using var no = false.ToScalar();
        var background = image is null
            ? foreground.logical_not()
            : (image.Channels == 1 ? image.Data[0].GreaterThan(imageThreshold) : ForegroundBox.AnyChannelAbove(image.Data, imageThreshold))
                .masked_fill_(foreground, no);
        foreground = foreground.reshape(-1).contiguous().MoveToOuterDisposeScope();
        background = background.reshape(-1).contiguous().MoveToOuterDisposeScope();
        return new PosNegCentreSampler(foreground, background, label.SpatialShape, positiveRatio);
    }

    /// <summary>Draws one centre (voxel indices per spatial axis) and says whether it came from the foreground.</summary>
    /// <remarks>Always consumes two draws (the class, then the voxel), so later draws do not depend on which class won.</remarks>
    public (long[] Centre, bool Foreground) Draw(SampleRandom random)
    {
        var u = random.NextDouble();
        var fromForeground = ForegroundCount > 0 && (BackgroundCount == 0 || u < _positiveRatio);
        var count = fromForeground ? ForegroundCount : BackgroundCount;
        var flat = count == 0
            ? random.NextInt64(_foreground.shape[0]) // nothing to balance: anywhere
            : FlatIndex(fromForeground, random.NextInt64(count));
        return (Unravel(flat), fromForeground);
    }

    /// <summary>Flat index (C order) of the <paramref name="rank"/>-th foreground or background voxel: element <paramref name="rank"/> of MONAI's index list.</summary>
    internal long FlatIndex(bool foreground, long rank)
    {
        var cumulative = foreground ? _foregroundCumulative : _backgroundCumulative;
        // Last block whose preceding count is ≤ rank; it holds the wanted voxel.
        int lo = 0, hi = cumulative.Length - 2;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (cumulative[mid] <= rank) lo = mid;
            else hi = mid - 1;
        }
        var remaining = rank - cumulative[lo];
        var block = Block(foreground ? _foreground : _background, lo);
        for (var i = 0; i < block.Length; i++)
            if (block[i] != 0 && remaining-- == 0)
                return (long)lo * BlockSize + i;
        throw new InvalidOperationException("block counts do not match the mask");
    }

    /// <summary>The bytes (0 or 1) of block <paramref name="b"/> of a flat bool mask.</summary>
    private static ReadOnlySpan<byte> Block(Tensor mask, int b)
    {
        var start = (long)b * BlockSize;
        return mask.bytes.Slice(checked((int)start), (int)Math.Min(BlockSize, mask.shape[0] - start));
    }

    private static long[] CumulativeBlockCounts(Tensor mask)
    {
        ReadOnlySpan<byte> bytes = mask.bytes; // bool is one byte, 0 or 1
        var blocks = (bytes.Length + BlockSize - 1) / BlockSize;
        var cumulative = new long[blocks + 1];
        for (var b = 0; b < blocks; b++)
        {
            var start = b * BlockSize;
            cumulative[b + 1] = cumulative[b] + bytes.Slice(start, Math.Min(BlockSize, bytes.Length - start)).Count((byte)1);
        }
        return cumulative;
    }

    private long[] Unravel(long flat)
    {
        var centre = new long[_shape.Length];
        for (var a = _shape.Length - 1; a >= 0; a--)
        {
            centre[a] = flat % _shape[a];
            flat /= _shape[a];
        }
        return centre;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _foreground.Dispose();
        _background.Dispose();
    }
}
