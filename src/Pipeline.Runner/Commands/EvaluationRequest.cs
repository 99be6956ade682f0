namespace Pipeline.Runner.Commands;

/// <summary>What <c>mmar validate</c> or <c>mmar infer</c> was asked to do.</summary>
/// <param name="Mmar">The MMAR folder.</param>
/// <param name="Config">The evaluation config (default config/config_validation.json).</param>
/// <param name="Environment">The environment file.</param>
/// <param name="Set">The <c>--set</c> items.</param>
/// <param name="Plugins">Extra plugin folders.</param>
/// <param name="Inference">True for <c>mmar infer</c>: no labels or metrics, the writers always run.</param>
/// <param name="Input">An image file or a folder of images to infer instead of a data-list list.</param>
/// <param name="DataListKey">The data-list list to read (overrides DATA_LIST_KEY).</param>
/// <param name="OutputDir">The output folder (overrides MMAR_EVAL_OUTPUT_PATH); relative to the current directory.</param>
/// <param name="Shard">The <c>--shard I/N</c> text.</param>
/// <param name="ShardCount">The <c>--shard-count</c> for a shard index taken from the environment.</param>
/// <param name="Overwrite">Redo inputs whose outputs exist.</param>
public sealed record EvaluationRequest(
    string Mmar, string? Config, string Environment, IReadOnlyList<string> Set, IReadOnlyList<string> Plugins, bool Inference,
    string? Input = null, string? DataListKey = null, string? OutputDir = null, string? Shard = null, int? ShardCount = null, bool Overwrite = false);
