using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.IO;
using Pipeline.Transforms.Labels;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Transforms.Utility;

/// <summary>Debug aid: writes the current images of some fields (e.g. training crops after augmentation) to NIfTI files, leaving the sample unchanged.</summary>
/// <remarks>
/// <para>
/// Files are named <c>{out_dir}/{stem}_{field}.nii.gz</c>, or <c>{stem}_{field}_{n}.nii.gz</c> for crop n of a batch, where
/// stem is the image's source file name without .nii/.nii.gz (else the sample description's, else <c>sample{index}</c>).
/// A later epoch, or another sample with the same stem, overwrites the file. Each file is written atomically in the
/// image's own voxel type with its current affine.
/// </para>
/// <para>
/// Clara's <c>interrupt: true</c> paused training for a key press; batch runs cannot wait for one, so the arg is accepted,
/// a warning says so once, and the run continues. The transform draws no random numbers, so it counts as deterministic:
/// inside a cached deterministic prefix it runs once per cached sample, not every epoch.
/// </para>
/// </remarks>
[Component(ComponentKind.Transform, "SaveAsNifti")]
public sealed class SaveAsNifti : ITransform, IDeclaresFields
{
    private readonly string[] _fields;
    private readonly string _outDir;
    private readonly OutputFolder _folder;
    private readonly bool _interrupt;
    private readonly TextWriter? _warnings;
    private int _warned;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields to write.</param>
    /// <param name="outDir">Folder for the files, created when missing; it must lie inside the run's output folder (relative: inside it).</param>
    /// <param name="interrupt">Clara paused after writing; unsupported in batch runs (warned about once, then ignored).</param>
    /// <param name="warnings">Where warnings go (a host service); standard error when the host gives none.</param>
    /// <param name="output">The run's output folder (a host service: <c>MMAR_CKPT_DIR</c> in training, <c>MMAR_EVAL_OUTPUT_PATH</c> in evaluation).</param>
    public SaveAsNifti(string[] fields, string outDir, bool interrupt = false, TextWriter? warnings = null, OutputFolder? output = null)
    {
        _fields = TransformArgs.Fields(fields, "fields");
        if (string.IsNullOrWhiteSpace(outDir)) throw new ConfigArgException("out_dir", "name the folder to write into");
        _outDir = output is null ? Path.GetFullPath(outDir) : Path.GetFullPath(outDir, output.Root);
        if (output?.FolderProblem(_outDir) is { } problem)
            throw new ConfigArgException("out_dir", $"{problem}; debug images go inside the run's output folder, e.g. {{{output.DeclaredBy}}}/debug");
        _folder = output ?? new OutputFolder(_outDir, "out_dir");
        _interrupt = interrupt;
        _warnings = warnings;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => [];

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        if (_interrupt && Interlocked.Exchange(ref _warned, 1) == 0)
            (_warnings ?? Console.Error).WriteLine(
                "warning: SaveAsNifti: interrupt=true (pause until a key press) is not supported in batch runs; the images are written and the run continues");

        foreach (var field in _fields)
        {
            var images = context.GetImages(field, nameof(SaveAsNifti));
            var isBatch = FieldImages.IsBatch(context, field);
            for (var n = 0; n < images.Count; n++)
            {
                var name = $"{Stem(context, images[n])}_{field}{(isBatch ? $"_{n}" : "")}.nii.gz";
                NiftiWriter.Write(images[n], _folder, Path.Combine(_outDir, OutputFolder.SafeName(name)));
            }
        }
    }

    /// <summary>The file stem the outputs of this image are named after.</summary>
    private static string Stem(TransformContext context, MedicalImage image)
    {
        var source = image.Properties.SourceFiles.Count > 0 ? image.Properties.SourceFiles[0] : context.Sample.Description;
        var name = Path.GetFileName(source ?? "");
        foreach (var extension in new[] { ".nii.gz", ".nii", ".gz" })
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^extension.Length];
                break;
            }
        return string.IsNullOrWhiteSpace(name) ? $"sample{context.Sample.Index}" : name;
    }
}
