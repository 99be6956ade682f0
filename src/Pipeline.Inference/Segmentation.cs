using Pipeline.Imaging;
using Pipeline.IO;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Inference;

/// <summary>
/// A segmentation result: the label of every voxel on the grid <c>mmar infer</c> writes its mask on, and, when asked for,
/// the network's per-class output on the grid the inferer saw. Plain arrays, in C order over the spatial axes (k fastest).
/// </summary>
public sealed class Segmentation
{
    internal Segmentation(int[] labels, IReadOnlyList<int> shape, AffineMatrix affine, float[]? probabilities, int probabilityChannels,
        IReadOnlyList<int>? probabilityShape)
    {
        Labels = labels;
        Shape = shape;
        Affine = affine;
        Probabilities = probabilities;
        ProbabilityChannels = probabilityChannels;
        ProbabilityShape = probabilityShape;
    }

    /// <summary>One label per voxel; voxel (i, j, k) is at (i·nj + j)·nk + k.</summary>
    public int[] Labels { get; }

    /// <summary>The spatial size of <see cref="Labels"/>: [ni, nj] or [ni, nj, nk].</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Voxel index to world (mm, RAS+) of <see cref="Labels"/>.</summary>
    public AffineMatrix Affine { get; }

    /// <summary>The network's output after the inferer (e.g. softmax per class), channels first; null unless asked for.</summary>
    public float[]? Probabilities { get; }

    /// <summary>The channels of <see cref="Probabilities"/>; 0 when there are none.</summary>
    public int ProbabilityChannels { get; }

    /// <summary>The spatial size of <see cref="Probabilities"/> (the pre-transformed image's); null when there are none.</summary>
    public IReadOnlyList<int>? ProbabilityShape { get; }

    /// <summary>How many voxels carry <paramref name="label"/>.</summary>
    public long Count(int label) => Labels.LongCount(l => l == label);

    /// <summary>Writes the labels as a NIfTI file (uint8 when every label fits, else int32), atomically, at <paramref name="path"/> (.nii or .nii.gz).</summary>
    public void WriteNifti(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var fits = Labels.All(l => l is >= 0 and <= byte.MaxValue);
        using var data = tensor(Labels, [1, .. Shape.Select(s => (long)s)]);
        using var typed = data.to_type(fits ? ScalarType.Byte : ScalarType.Int32);
        using var image = new MedicalImage(typed.alias(), Affine);
        NiftiWriter.Write(image, new OutputFolder(Path.GetDirectoryName(full)!, "path"), full, fits ? NiftiDataType.UInt8 : NiftiDataType.Int32);
    }
}
