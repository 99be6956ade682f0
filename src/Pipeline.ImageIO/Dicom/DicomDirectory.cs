namespace Pipeline.ImageIO.Dicom;

/// <summary>Reads a DICOMDIR (the index of DICOM media): the files its directory records name.</summary>
public static class DicomDirectory
{
    /// <summary>Whether <paramref name="path"/> is named DICOMDIR (in any case), as the standard names the index.</summary>
    public static bool IsDicomDir(string path) => Path.GetFileName(path).Equals("DICOMDIR", StringComparison.OrdinalIgnoreCase);

    /// <summary>The files the records of the DICOMDIR at <paramref name="path"/> reference, resolved against its folder (matching names case-insensitively, as media written on other systems need).</summary>
    /// <exception cref="DicomFormatException">The DICOMDIR is damaged, lists no files, or lists a file that is not there.</exception>
    public static IReadOnlyList<string> Files(string path)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var records = DicomParser.Read(path).Dataset.GetItems(DicomTags.DirectoryRecordSequence);
        var files = new List<string>();
        foreach (var record in records)
        {
            if (record.GetString(DicomTags.ReferencedFileId) is not { } id) continue;
            var parts = id.Split('\\', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0 || parts.Any(p => p is "." or ".." || p.Contains('/')))
                throw new DicomFormatException(path, $"a directory record references '{id}', which is not a path inside the media");
            files.Add(Resolve(root, parts) ?? throw new DicomFormatException(path, $"the directory record for '{id}' names a file that is not in {root}"));
        }
        if (files.Count == 0) throw new DicomFormatException(path, "the DICOMDIR lists no files");
        return files;
    }

    private static string? Resolve(string folder, string[] parts)
    {
        foreach (var part in parts[..^1])
        {
            var exact = Path.Combine(folder, part);
            folder = Directory.Exists(exact) ? exact
                : Directory.EnumerateDirectories(folder).FirstOrDefault(d => Path.GetFileName(d).Equals(part, StringComparison.OrdinalIgnoreCase)) ?? "";
            if (folder.Length == 0) return null;
        }
        var file = Path.Combine(folder, parts[^1]);
        return File.Exists(file) ? file
            : Directory.EnumerateFiles(folder).FirstOrDefault(f => Path.GetFileName(f).Equals(parts[^1], StringComparison.OrdinalIgnoreCase));
    }
}
