using Pipeline.Configuration.Documents;
using Pipeline.Evaluation;
using Pipeline.IO;

namespace Pipeline.Workflows.Evaluation;

/// <summary>Where each input's outputs go, checked before anything is written: inside the output folder, one folder per input, no two inputs on one file.</summary>
public sealed class OutputPlan
{
    private readonly Dictionary<int, IReadOnlyList<string>> _files;
    private readonly Dictionary<int, string> _stems;

    private OutputPlan(Dictionary<int, IReadOnlyList<string>> files, Dictionary<int, string> stems, IReadOnlyList<string> problems)
    {
        _files = files;
        _stems = stems;
        Problems = problems;
    }

    /// <summary>Every reason the outputs cannot be written safely, each naming the writer or input; empty when all is well.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The stem (output folder name) of an input.</summary>
    public string Stem(DatalistItem item) => _stems.GetValueOrDefault(item.Index, "");

    /// <summary>The files the writers produce for an input.</summary>
    public IReadOnlyList<string> Files(DatalistItem item) => _files.GetValueOrDefault(item.Index, []);

    /// <summary>Plans the outputs of <paramref name="items"/> inside <paramref name="output"/>: each writer's files must be writable there (no escape, no link leading out).</summary>
    public static OutputPlan Create(IReadOnlyList<DatalistItem> items, IReadOnlyList<IEvalWriter> writers, OutputFolder output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writers);
        var problems = new List<string>();
        foreach (var writer in writers)
            if (output.FolderProblem(writer.OutputRoot) is { } problem)
                problems.Add($"{writer.GetType().Name}: write_path {problem}; use {{MMAR_EVAL_OUTPUT_PATH}} or a folder inside it");
        var allFiles = new Dictionary<int, IReadOnlyList<string>>();
        var stems = new Dictionary<int, string>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var image = item.Files.TryGetValue("image", out var field) ? field.Paths[0] : null;
            var describe = image ?? item.JsonPath;
            // Image names are data, not config: they are made safe as folder names rather than refused.
            var stem = image is null ? "" : OutputFolder.SafeName(OutputStem.Of(image));
            stems[item.Index] = stem;
            if (writers.Count == 0) continue;
            if (stem.Length == 0)
            {
                problems.Add($"{item.JsonPath} ({describe}): has no image to name its output folder after");
                continue;
            }
            var files = writers.SelectMany(w => w.OutputFiles(stem)).ToList();
            foreach (var file in files)
            {
                if (output.Problem(file) is { } problem)
                    problems.Add($"{item.JsonPath} ({describe}): output {problem}");
                else if (owners.TryGetValue(file, out var other))
                    problems.Add($"{item.JsonPath} ({describe}): output {file} is also the output of {other}; two inputs share the file name '{stem}'");
                else owners[file] = $"{item.JsonPath} ({describe})";
            }
            allFiles[item.Index] = files;
        }
        return new OutputPlan(allFiles, stems, problems);
    }
}
