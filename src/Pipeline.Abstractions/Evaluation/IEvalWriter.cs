using Pipeline.Data;

namespace Pipeline.Evaluation;

/// <summary>An evaluation config's <c>writers</c> entry (Clara's <c>EvalWriter</c>): writes one image's results into its own folder.</summary>
/// <remarks>
/// Outputs are named from the input image's file stem, so the evaluator can check before anything runs that every file
/// stays inside the output folder and that no two inputs share a file, and can skip inputs whose outputs already exist.
/// </remarks>
public interface IEvalWriter
{
    /// <summary>The folder this writer writes into (its <c>write_path</c>), absolute.</summary>
    string OutputRoot { get; }

    /// <summary>The absolute paths of the files <see cref="Write"/> produces for the input whose image stem is <paramref name="stem"/>.</summary>
    IReadOnlyList<string> OutputFiles(string stem);

    /// <summary>Writes the results of one input, atomically; <paramref name="context"/> holds its fields after the post transforms.</summary>
    void Write(TransformContext context, string stem);
}
