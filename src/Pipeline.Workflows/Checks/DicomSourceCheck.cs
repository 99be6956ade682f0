using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.ImageIO.Nifti;
using Pipeline.Workflows.Evaluation.Writers;

namespace Pipeline.Workflows.Checks;

/// <summary>A DICOM SEG writer refers to the series its input was read from: that input field is loaded by a DICOM-capable loader, and no input gives it a NIfTI file.</summary>
internal static class DicomSourceCheck
{
    private const int MaxReported = 10;

    /// <summary>Checks every <see cref="WriteDicomSeg"/> among <paramref name="writers"/> against the loaders of <paramref name="pre"/> and the run's <paramref name="items"/>.</summary>
    public static void Writers(string file, IReadOnlyList<BuiltStep> writers, IReadOnlyList<BuiltStep> pre, string? datalistFile,
        IReadOnlyList<DatalistItem>? items, ConfigProblems problems)
    {
        foreach (var step in writers)
        {
            if (step.Component is not WriteDicomSeg seg) continue;
            var field = seg.SourceField;
            var arg = JsonPaths.Property(JsonPaths.Property(step.Spec.JsonPath, "args"), "src_field");
            var loader = pre.FirstOrDefault(s => s.Component is ILoadsFiles and IDeclaresFields declares && declares.ReadsFields.Contains(field));
            if (loader is null)
            {
                problems.Error(file, arg, $"field '{field}' is not loaded from a file by any pre-transform; a SEG refers to the DICOM series " +
                    "its input was read from: load it with LoadDicom or LoadImage");
                continue;
            }
            if (loader.Component is ILoadsFiles { AcceptsFolders: false })
            {
                problems.Error(file, arg, $"field '{field}' is loaded by {loader.Spec.Name ?? loader.Spec.Path} ({loader.Spec.JsonPath}), which reads no DICOM; " +
                    "a SEG refers to the series its input was read from: load it with LoadDicom or LoadImage");
                continue;
            }
            var reported = 0;
            foreach (var item in items ?? [])
            {
                if (!item.TryGetPaths(field, out var paths)) continue;
                foreach (var path in paths.Where(NiftiFileName.IsNifti))
                {
                    if (++reported > MaxReported) continue;
                    var message = $"{path} is a NIfTI file, but {step.Spec.JsonPath} (WriteDicomSeg) writes a SEG only for an input read from a DICOM series " +
                        "(a folder of slices, a multi-frame file or a DICOMDIR)";
                    if (datalistFile is null) problems.Error("--input", "", message);
                    else problems.Error(datalistFile, JsonPaths.Property(item.JsonPath, field), message);
                }
            }
            if (reported > MaxReported)
                problems.Error(datalistFile ?? file, "", $"{reported - MaxReported} more NIfTI input(s) for {step.Spec.JsonPath} not listed");
        }
    }
}
