using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Evaluation;
using Pipeline.Imaging;
using Pipeline.IO;

namespace Pipeline.Workflows.Evaluation.Writers;

/// <summary>
/// What eval writers that write one field per input share: the <c>field</c>, <c>src_field</c> and <c>write_path</c> args
/// checked once, the output folder (inside the run's), and the source image's recorded grid.
/// </summary>
public abstract class FieldWriter : IEvalWriter, IDeclaresFields
{
    /// <summary>Validates the shared args.</summary>
    /// <param name="field">The field to write.</param>
    /// <param name="srcField">The input image field whose source file defines the output grid.</param>
    /// <param name="writePath">Folder of the per-input folders; relative to the MMAR folder when relative; default MMAR_EVAL_OUTPUT_PATH.</param>
    /// <param name="paths">The MMAR's folders, for relative paths.</param>
    /// <param name="output">The run's output folder (a host service); <c>write_path</c> must lie inside it.</param>
    protected FieldWriter(string field, string srcField, string? writePath, MmarPaths? paths, OutputFolder? output)
    {
        if (string.IsNullOrWhiteSpace(field)) throw new ConfigArgException("field", "must name the field to write, e.g. 'model'");
        if (string.IsNullOrWhiteSpace(srcField)) throw new ConfigArgException("src_field", "must name the input image field, e.g. 'image'");
        var folder = string.IsNullOrWhiteSpace(writePath) ? paths?.EvalOutputDir ?? "eval" : writePath;
        Field = field;
        SourceField = srcField;
        OutputRoot = paths?.Resolve(folder) ?? Path.GetFullPath(folder);
        if (output?.FolderProblem(OutputRoot) is { } problem)
            throw new ConfigArgException("write_path", $"{problem}; e.g. {{MMAR_EVAL_OUTPUT_PATH}} or a folder inside it");
        Folder = output ?? new OutputFolder(OutputRoot, "write_path");
    }

    /// <summary>The field written.</summary>
    protected string Field { get; }

    /// <summary>The input image field.</summary>
    public string SourceField { get; }

    /// <summary>Where the files go, through the one output rule.</summary>
    protected OutputFolder Folder { get; }

    /// <inheritdoc />
    public string OutputRoot { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => [Field];

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => [];

    /// <inheritdoc />
    public string FieldsArg => "field";

    /// <summary>The file name's ending after <c>{stem}_{field}</c>, e.g. <c>.nii.gz</c>.</summary>
    protected abstract string Extension { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> OutputFiles(string stem) => [Path.Combine(OutputRoot, stem, $"{stem}_{OutputFolder.SafeName(Field)}{Extension}")];

    /// <inheritdoc />
    public abstract void Write(TransformContext context, string stem);

    /// <summary>The properties of the input image (its source file, original grid); the written field's own when the input field holds no image.</summary>
    protected ImageProperties SourceProperties(TransformContext context, MedicalImage image)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(image);
        return context.Get(SourceField) is MedicalImage source ? source.Properties : image.Properties;
    }
}
