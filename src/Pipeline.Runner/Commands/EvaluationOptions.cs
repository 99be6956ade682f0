using System.CommandLine;

namespace Pipeline.Runner.Commands;

/// <summary>The options <c>mmar validate</c> and <c>mmar infer</c> share: sharding and overwriting.</summary>
public sealed class EvaluationOptions
{
    /// <summary><c>--shard I/N</c>.</summary>
    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = "Process every N-th input starting at I (zero-based), e.g. 0/4. Without it, SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT " +
                      "or JOB_COMPLETION_INDEX (with --shard-count) choose the shard. Shard reports go to MMAR_EVAL_OUTPUT_PATH/shard-I-of-N.",
    };

    /// <summary><c>--shard-count N</c>.</summary>
    public Option<int?> ShardCount { get; } = new("--shard-count")
    {
        Description = "The number of shards when the index comes from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's completions).",
    };

    /// <summary><c>--overwrite</c>.</summary>
    public Option<bool> Overwrite { get; } = new("--overwrite")
    {
        Description = "Infer again inputs whose outputs already exist (Clara's overwrite_previous_result); by default they are skipped.",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Shard);
        command.Add(ShardCount);
        command.Add(Overwrite);
    }
}
