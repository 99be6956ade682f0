namespace Pipeline.Workflows.Evaluation;

/// <summary>The name of an input's output folder: its image file name without .nii.gz/.nii (Clara's evaluator named folders so).</summary>
public static class OutputStem
{
    /// <summary>The stem of <paramref name="imagePath"/>, e.g. <c>spleen_8</c> for <c>…/spleen_8.nii.gz</c>.</summary>
    public static string Of(string imagePath)
    {
        var name = Path.GetFileName(imagePath ?? "");
        foreach (var extension in new[] { ".nii.gz", ".nii", ".hdr.gz", ".img.gz", ".hdr", ".img", ".png", ".gz" })
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                return name[..^extension.Length];
        return Path.GetFileNameWithoutExtension(name);
    }
}
