namespace Pipeline.Configuration.Documents;

/// <summary>The MMAR's folders and files as absolute paths; relative variable values are taken against the MMAR root.</summary>
/// <param name="MmarRoot">The MMAR folder.</param>
/// <param name="CheckpointDir"><c>MMAR_CKPT_DIR</c>; null when not defined.</param>
/// <param name="EvalOutputDir"><c>MMAR_EVAL_OUTPUT_PATH</c>; null when not defined.</param>
/// <param name="DatasetJson"><c>DATASET_JSON</c>; null when not defined.</param>
/// <param name="DataRoot"><c>DATA_ROOT</c>; null when not defined.</param>
/// <param name="Checkpoint"><c>MMAR_CKPT</c> (fine-tuning start point); null when not defined or empty.</param>
public sealed record MmarPaths(
    string MmarRoot,
    string? CheckpointDir,
    string? EvalOutputDir,
    string? DatasetJson,
    string? DataRoot,
    string? Checkpoint)
{
    /// <summary><paramref name="path"/> made absolute against the MMAR root when relative.</summary>
    public string Resolve(string path) => System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(MmarRoot, path));
}
