using System.Globalization;

namespace Pipeline.Workflows.Evaluation;

/// <summary>Which part of a cohort one machine evaluates: every <see cref="Count"/>-th item starting at <see cref="Index"/>.</summary>
/// <param name="Index">Zero-based shard index, in [0, Count).</param>
/// <param name="Count">Number of shards.</param>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>Kubernetes Indexed Jobs set this to the pod's index.</summary>
    public const string KubernetesIndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>Slurm array tasks set their id here.</summary>
    public const string SlurmIdVariable = "SLURM_ARRAY_TASK_ID";

    /// <summary>Slurm array tasks set the number of tasks here.</summary>
    public const string SlurmCountVariable = "SLURM_ARRAY_TASK_COUNT";

    /// <summary>Slurm's lowest array index (arrays may start at 1).</summary>
    public const string SlurmMinVariable = "SLURM_ARRAY_TASK_MIN";

    /// <summary>The folder name of this shard's reports inside the evaluation output folder.</summary>
    public string FolderName => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}");

    /// <summary>True for the item at position <paramref name="position"/> of the list.</summary>
    public bool Includes(int position) => position % Count == Index;

    /// <summary>Parses <c>I/N</c>; throws <see cref="ArgumentException"/> with what is accepted.</summary>
    public static ShardSpec Parse(string text)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return Create(index, count, $"--shard {text}");
        throw new ArgumentException($"--shard '{text}' is not I/N; accepted: a zero-based shard index and the shard count, e.g. 0/4");
    }

    /// <summary>
    /// The shard from the command line, else from a Slurm array task, else from a Kubernetes Indexed Job (whose count
    /// <paramref name="count"/> must give, as Kubernetes does not export it); null when none applies.
    /// </summary>
    public static ShardSpec? Resolve(string? option, int? count, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(option))
        {
            var parsed = Parse(option);
            if (count is { } c && c != parsed.Count) throw new ArgumentException($"--shard {option} and --shard-count {c} disagree");
            return parsed;
        }
        var slurmId = environment(SlurmIdVariable);
        if (!string.IsNullOrWhiteSpace(slurmId))
        {
            var slurmCount = environment(SlurmCountVariable);
            if (string.IsNullOrWhiteSpace(slurmCount) && count is null)
                throw new ArgumentException($"{SlurmIdVariable} is set but {SlurmCountVariable} is not; pass --shard-count N or --shard I/N");
            var id = Integer(SlurmIdVariable, slurmId);
            var min = environment(SlurmMinVariable) is { Length: > 0 } m ? Integer(SlurmMinVariable, m) : 0;
            return Create(id - min, count ?? Integer(SlurmCountVariable, slurmCount!), $"{SlurmIdVariable}={slurmId}");
        }
        var podIndex = environment(KubernetesIndexVariable);
        if (!string.IsNullOrWhiteSpace(podIndex))
        {
            if (count is null)
                throw new ArgumentException($"{KubernetesIndexVariable}={podIndex} is set (a Kubernetes Indexed Job) but the shard count is unknown; pass --shard-count N (the Job's completions)");
            return Create(Integer(KubernetesIndexVariable, podIndex), count.Value, $"{KubernetesIndexVariable}={podIndex}");
        }
        if (count is not null) throw new ArgumentException("--shard-count needs --shard I/N, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX to say which shard this is");
        return null;
    }

    private static ShardSpec Create(int index, int count, string source)
    {
        if (count < 1) throw new ArgumentException($"{source}: the shard count must be at least 1; got {count}");
        if (index < 0 || index >= count) throw new ArgumentException($"{source}: the shard index must lie in [0, {count - 1}]; got {index}");
        return new ShardSpec(index, count);
    }

    private static int Integer(string name, string value) =>
        int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ArgumentException($"{name}='{value}' is not an integer");
}
