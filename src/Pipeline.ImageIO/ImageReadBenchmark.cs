using System.Diagnostics;

namespace Pipeline.ImageIO;

/// <summary>Times full reads of one image (a NIfTI file, a DICOM file or series folder: header, decompression, byte order, axis order, rescaling), for comparison with nibabel or dcm2niix.</summary>
/// <remarks>
/// The nibabel side of the comparison is <c>np.asanyarray(nib.load(f).dataobj)</c> (raw dtype, Fortran-ordered view) and
/// <c>nib.load(f).get_fdata()</c> (float64); each repeat here is a fresh <see cref="MedicalImageFiles.Read"/> whose tensor is disposed at once.
/// </remarks>
public static class ImageReadBenchmark
{
    /// <summary>Reads <paramref name="path"/> once to warm up, then <paramref name="repeats"/> timed times.</summary>
    public static ImageReadBenchmarkResult Run(string path, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        string description;
        using (var warm = MedicalImageFiles.Read(path))
            description = $"[{string.Join("×", warm.Data.shape)}] {warm.Data.dtype}";
        var seconds = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            // Collect between runs so one read's garbage is not charged to the next.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var watch = Stopwatch.StartNew();
            using (MedicalImageFiles.Read(path))
                seconds[i] = watch.Elapsed.TotalSeconds;
        }
        return new ImageReadBenchmarkResult(Path.GetFullPath(path), description, seconds);
    }
}
