namespace Pipeline.ImageIO.Nifti;

/// <summary>Where a NIfTI image's header and voxel data live: one .nii(.gz) file, or a .hdr/.img pair (either part may be gzipped).</summary>
internal sealed record NiftiFileSet(string HeaderFile, string DataFile)
{
    /// <summary>True when header and data are in one file.</summary>
    public bool IsSingleFile => HeaderFile == DataFile;

    /// <summary>Finds the files for <paramref name="path"/>; for a pair, <paramref name="path"/> may name either part.</summary>
    /// <exception cref="FileNotFoundException">A file of the set does not exist.</exception>
    /// <exception cref="NiftiFormatException"><paramref name="path"/> is a folder.</exception>
    public static NiftiFileSet Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new NiftiFormatException(full, "this is a folder; name a .nii, .nii.gz, .hdr or .img file");
        if (!File.Exists(full))
            throw new FileNotFoundException($"NIfTI file {full} does not exist", full);
        var (stem, ext, gz) = Split(full);
        return ext.ToLowerInvariant() switch
        {
            ".hdr" => new NiftiFileSet(full, Sibling(full, stem, ext, gz, "img")),
            ".img" => new NiftiFileSet(Sibling(full, stem, ext, gz, "hdr"), full),
            _ => new NiftiFileSet(full, full),
        };
    }

    private static (string Stem, string Ext, string Gz) Split(string path)
    {
        var gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[^3..] : "";
        var withoutGz = path[..^gz.Length];
        var ext = Path.GetExtension(withoutGz);
        return (withoutGz[..^ext.Length], ext, gz);
    }

    private static string Sibling(string given, string stem, string ext, string gz, string otherExt)
    {
        // Keep the given file's letter case and prefer its compression, but accept the partner compressed or not.
        var other = ext[1..].All(char.IsUpper) ? "." + otherExt.ToUpperInvariant() : "." + otherExt;
        var candidates = gz.Length > 0
            ? new[] { stem + other + gz, stem + other }
            : new[] { stem + other, stem + other + ".gz" };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{given} is half of a NIfTI header/image pair, but its partner {candidates[0]} does not exist", candidates[0]);
    }
}
