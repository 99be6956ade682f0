using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;

namespace Pipeline.Transforms.Crops;

/// <summary>The validated <c>size</c> arg of a crop: one entry per spatial axis, or a single entry used for every axis.</summary>
internal sealed class CropSizeArg
{
    private readonly long[] _entries;

    /// <summary>Validates <paramref name="size"/>; throws <see cref="ConfigArgException"/> naming <paramref name="arg"/>.</summary>
    public CropSizeArg(int[] size, string arg = "size")
    {
        if (size is null || size.Length is < 1 or > 3)
            throw new ConfigArgException(arg, $"give 1, 2 or 3 entries (one per spatial axis, or one for all axes), got {size?.Length ?? 0}");
        for (var a = 0; a < size.Length; a++)
            if (size[a] <= 0)
                throw new ConfigArgException($"{arg}[{a}]", $"crop sizes must be positive voxel counts, got {size[a]}");
        _entries = size.Select(s => (long)s).ToArray();
    }

    /// <summary>The entries as configured.</summary>
    public IReadOnlyList<long> Entries => _entries;

    /// <summary>The entries as configured, as the config wrote them.</summary>
    public IReadOnlyList<int> Configured => _entries.Select(e => (int)e).ToArray();

    /// <summary>The size for an image with <paramref name="rank"/> spatial axes.</summary>
    /// <exception cref="InvalidOperationException">The number of entries fits neither 1 nor the image rank.</exception>
    public long[] For(int rank, string transform, string field, SampleInfo sample)
    {
        if (_entries.Length == 1) return Enumerable.Repeat(_entries[0], rank).ToArray();
        if (_entries.Length == rank) return (long[])_entries.Clone();
        throw new InvalidOperationException(
            $"{transform}: size [{string.Join(", ", _entries)}] has {_entries.Length} entries but field '{field}' of sample {sample.Index} ({sample.Description}) has {rank} spatial axes");
    }

    /// <summary>The size for <paramref name="image"/>.</summary>
    public long[] For(MedicalImage image, string transform, string field, SampleInfo sample) => For(image.SpatialRank, transform, field, sample);
}
