using System.Diagnostics;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Times full reads (header, decompression, byte swap, axis reorder, scaling) of a NIfTI file, for comparison with nibabel.</summary>
/// <remarks>
/// The nibabel side of the comparison is <c>np.asanyarray(nib.load(f).dataobj)</c> (raw dtype, Fortran-ordered view) and
/// <c>nib.load(f).get_fdata()</c> (float64); each repeat here is a fresh <see cref="NiftiReader.Read"/> whose tensor is disposed at once.
/// </remarks>
public static class NiftiReadBenchmark
{
    /// <summary>Reads <paramref name="file"/> once to warm up, then <paramref name="repeats"/> timed times.</summary>
    public static NiftiBenchmarkResult Run(string file, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        string description;
        using (var warm = NiftiReader.Read(file))
            description = $"[{string.Join("×", warm.Data.shape)}] {warm.Data.dtype}";
        var seconds = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            // Collect between runs so one read's garbage is not charged to the next.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var watch = Stopwatch.StartNew();
            using (NiftiReader.Read(file))
                seconds[i] = watch.Elapsed.TotalSeconds;
        }
        return new NiftiBenchmarkResult(Path.GetFullPath(file), description, seconds);
    }
}
