namespace Pipeline.Workflows.Evaluation;

/// <summary>How an evaluation runs: Clara's runtime switches and where outputs go.</summary>
/// <param name="DoValidation">Run <c>label_transforms</c> and <c>val_metrics</c> (Clara's <c>do_validation</c>).</param>
/// <param name="OutputInferResult">Run the writers (Clara's <c>output_infer_result</c>).</param>
/// <param name="Overwrite">Infer inputs again even when all their outputs exist (Clara's <c>overwrite_previous_result</c>).</param>
/// <param name="OutputDir">The evaluation output folder (<c>MMAR_EVAL_OUTPUT_PATH</c>); every writer's files must lie inside it.</param>
/// <param name="PrefetchCount">Inputs loaded and pre-transformed ahead of the one being inferred (bounds memory).</param>
public sealed record EvaluationSettings(bool DoValidation, bool OutputInferResult, bool Overwrite, string OutputDir, int PrefetchCount = 1);
