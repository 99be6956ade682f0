using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Imaging;

/// <summary>A channels-first image: voxel data shaped [C, i, j(, k)] in NIfTI voxel index order, its voxel-to-world affine and its provenance.</summary>
/// <remarks>The image owns <see cref="Data"/>: disposing the image disposes the tensor.</remarks>
public sealed class MedicalImage : IDisposable
{
    /// <summary>Creates an image that takes ownership of <paramref name="data"/>.</summary>
    public MedicalImage(Tensor data, AffineMatrix affine, ImageProperties? properties = null)
    {
        if (data.dim() < 3 || data.dim() > 4)
            throw new ArgumentException($"image data must be channels-first with 2 or 3 spatial axes, got shape [{string.Join(", ", data.shape)}]", nameof(data));
        Data = data;
        Affine = affine;
        Properties = properties ?? new ImageProperties();
    }

    /// <summary>Voxel data, shape [C, spatial...].</summary>
    public Tensor Data { get; }

    /// <summary>Voxel-to-world transform (RAS+ mm). For 2D images the third column describes the (unit) slice axis.</summary>
    public AffineMatrix Affine { get; }

    /// <summary>Provenance and original geometry.</summary>
    public ImageProperties Properties { get; }

    /// <summary>Number of channels.</summary>
    public long Channels => Data.shape[0];

    /// <summary>Number of spatial axes (2 or 3).</summary>
    public int SpatialRank => (int)Data.dim() - 1;

    /// <summary>The spatial shape, in voxel index order.</summary>
    public long[] SpatialShape => Data.shape[1..];

    /// <summary>Voxel sizes along the spatial axes, in mm.</summary>
    public double[] Spacing => Affine.Spacing()[..SpatialRank];

    /// <summary>Orientation codes of the spatial axes, e.g. "RAS" or "LPS".</summary>
    public string Orientation => Imaging.Orientation.AxisCodes(Affine)[..SpatialRank];

    /// <summary>A new image with other data (taking ownership of it) and optionally another affine, keeping the properties.</summary>
    public MedicalImage With(Tensor data, AffineMatrix? affine = null, ImageProperties? properties = null) =>
        new(data, affine ?? Affine, properties ?? Properties);

    /// <inheritdoc />
    public void Dispose() => Data.Dispose();

    /// <inheritdoc />
    public override string ToString() =>
        $"MedicalImage [{string.Join("×", Data.shape)}] {Data.dtype} {Orientation} spacing ({string.Join(", ", Spacing.Select(s => s.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))})";
}
