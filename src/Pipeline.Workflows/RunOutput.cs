using Pipeline.Configuration.Documents;
using Pipeline.IO;

namespace Pipeline.Workflows;

/// <summary>The folder a run of a config may write into: <c>MMAR_CKPT_DIR</c> for training, <c>MMAR_EVAL_OUTPUT_PATH</c> for evaluation and inference.</summary>
public static class RunOutput
{
    /// <summary>The output folder of <paramref name="config"/>'s run (defaults: <c>models/</c> and <c>eval/</c> in the MMAR).</summary>
    public static OutputFolder For(MmarConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Kind == ConfigKind.Train
            ? new OutputFolder(config.Paths.CheckpointDir ?? Path.Combine(config.MmarRoot, "models"), KnownVariables.CheckpointDir)
            : new OutputFolder(config.Paths.EvalOutputDir ?? Path.Combine(config.MmarRoot, "eval"), KnownVariables.EvalOutputPath);
    }
}
