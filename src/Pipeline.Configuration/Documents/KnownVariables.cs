namespace Pipeline.Configuration.Documents;

/// <summary>Variable names with a meaning to the engine (catalog §2.1).</summary>
public static class KnownVariables
{
    /// <summary>Absolute MMAR root; always defined by the engine.</summary>
    public const string MmarRoot = "MMAR_ROOT";
    /// <summary>Base folder of data-list paths.</summary>
    public const string DataRoot = "DATA_ROOT";
    /// <summary>The data-list JSON file.</summary>
    public const string DatasetJson = "DATASET_JSON";
    /// <summary>Folder checkpoints are written to and read from.</summary>
    public const string CheckpointDir = "MMAR_CKPT_DIR";
    /// <summary>Checkpoint to initialise training from (fine-tuning).</summary>
    public const string Checkpoint = "MMAR_CKPT";
    /// <summary>Evaluation output folder.</summary>
    public const string EvalOutputPath = "MMAR_EVAL_OUTPUT_PATH";
    /// <summary>Data-list key an evaluation uses.</summary>
    public const string DataListKey = "DATA_LIST_KEY";
    /// <summary>segmentation / classification / annotation.</summary>
    public const string ProcessingTask = "PROCESSING_TASK";
    /// <summary>Optional pretrained-weights file.</summary>
    public const string PretrainWeightsFile = "PRETRAIN_WEIGHTS_FILE";

    /// <summary>Variables holding paths that are relative to the MMAR root when not absolute.</summary>
    public static readonly IReadOnlyList<string> MmarRelativePaths = [CheckpointDir, EvalOutputPath, DatasetJson, Checkpoint, DataRoot];

    /// <summary>Every name above; a <c>--set</c> of one of these is never reported as unused.</summary>
    public static readonly IReadOnlyList<string> All =
        [MmarRoot, DataRoot, DatasetJson, CheckpointDir, Checkpoint, EvalOutputPath, DataListKey, ProcessingTask, PretrainWeightsFile];
}
