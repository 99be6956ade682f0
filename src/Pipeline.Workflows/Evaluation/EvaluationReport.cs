using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.IO;

namespace Pipeline.Workflows.Evaluation;

/// <summary>
/// The report files of an evaluation: <c>per_image.csv</c> (every value of every input), <c>metrics.json</c> (summary per
/// column and the failures) and, per metric with <c>report_path</c>, <c>&lt;name&gt;_raw_results.txt</c> (image path and
/// value per line) and <c>&lt;name&gt;_summary_results.txt</c>; all written atomically. Shard reports read back and merge
/// into exactly the files one run over the whole list writes.
/// </summary>
public sealed class EvaluationReport
{
    /// <summary>Every input's values.</summary>
    public const string PerImageFile = "per_image.csv";

    /// <summary>The summary of every column and the failures.</summary>
    public const string MetricsFile = "metrics.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Creates a report; items are kept in data-list order.</summary>
    public EvaluationReport(string dataListKey, IReadOnlyList<ReportColumn> columns, IEnumerable<ItemOutcome> items, ShardSpec? shard = null)
    {
        DataListKey = dataListKey;
        Columns = columns;
        Items = items.OrderBy(i => i.Index).ToList();
        Shard = shard;
    }

    /// <summary>The data-list list evaluated.</summary>
    public string DataListKey { get; }

    /// <summary>The reported columns, metrics first in config order.</summary>
    public IReadOnlyList<ReportColumn> Columns { get; }

    /// <summary>The inputs in data-list order.</summary>
    public IReadOnlyList<ItemOutcome> Items { get; }

    /// <summary>The shard this report covers; null for a whole run (or a merge).</summary>
    public ShardSpec? Shard { get; }

    /// <summary>Inputs that failed.</summary>
    public IReadOnlyList<ItemOutcome> Failures => Items.Where(i => i.Status == ItemStatus.Failed).ToList();

    /// <summary>The summary of one column over the inputs that have a value for it.</summary>
    public MetricSummary Summarize(string column) =>
        MetricSummary.Of(Items.Where(i => i.Status != ItemStatus.Failed && i.Values.ContainsKey(column)).Select(i => i.Values[column]));

    /// <summary>Writes <c>per_image.csv</c> and <c>metrics.json</c> into <paramref name="folder"/>, and each reported metric's two text files into <paramref name="reportFolder"/>(name), a folder inside it.</summary>
    /// <exception cref="OutputPathException">A report folder lies outside <paramref name="folder"/>.</exception>
    public void Write(OutputFolder folder, Func<string, string> reportFolder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(reportFolder);
        folder.WriteAllText(PerImageFile, PerImageCsv());
        folder.WriteAllText(MetricsFile, MetricsJson().ToJsonString(Indented) + "\n");
        foreach (var column in Columns.Where(c => c.WritesReport))
        {
            var dir = reportFolder(column.Name);
            var name = OutputFolder.SafeName(column.Name);
            folder.WriteAllText(Path.Combine(dir, name + "_raw_results.txt"), RawResults(column.Name));
            folder.WriteAllText(Path.Combine(dir, name + "_summary_results.txt"), SummaryResults(column.Name));
        }
    }

    private string PerImageCsv()
    {
        var text = new StringBuilder();
        text.Append(CsvLine.Join(["index", "image", "status", .. Columns.Select(c => c.Name), "error"])).Append('\n');
        foreach (var item in Items)
            text.Append(CsvLine.Join([
                item.Index.ToString(CultureInfo.InvariantCulture), item.Image, StatusName(item.Status),
                .. Columns.Select(c => item.Values.TryGetValue(c.Name, out var v) ? Number(v) : ""), item.Error ?? "",
            ])).Append('\n');
        return text.ToString();
    }

    private JsonObject MetricsJson()
    {
        var metrics = new JsonObject();
        foreach (var column in Columns)
        {
            var s = Summarize(column.Name);
            metrics[column.Name] = new JsonObject
            {
                ["report"] = column.WritesReport,
                ["count"] = s.Count, ["nan_count"] = s.NaNCount,
                ["mean"] = Json(s.Mean), ["median"] = Json(s.Median), ["std"] = Json(s.Std), ["min"] = Json(s.Min), ["max"] = Json(s.Max),
            };
        }
        var failures = new JsonArray();
        foreach (var f in Failures) failures.Add(new JsonObject { ["index"] = f.Index, ["image"] = f.Image, ["error"] = f.Error });
        var root = new JsonObject
        {
            ["data_list_key"] = DataListKey,
            ["images"] = Items.Count,
            ["evaluated"] = Items.Count(i => i.Status == ItemStatus.Evaluated),
            ["skipped"] = Items.Count(i => i.Status == ItemStatus.Skipped),
            ["failed"] = Failures.Count,
            ["metrics"] = metrics,
            ["failures"] = failures,
        };
        if (Shard is { } shard) root["shard"] = new JsonObject { ["index"] = shard.Index, ["count"] = shard.Count };
        return root;
    }

    private string RawResults(string column)
    {
        var text = new StringBuilder();
        foreach (var item in Items.Where(i => i.Status != ItemStatus.Failed && i.Values.ContainsKey(column)))
            text.Append(item.Image).Append('\t').Append(Number(item.Values[column])).Append('\n');
        return text.ToString();
    }

    private string SummaryResults(string column)
    {
        var s = Summarize(column);
        return string.Join("\n",
            $"metric: {column}", $"count: {s.Count}", $"nan_count: {s.NaNCount}", $"failed: {Failures.Count}",
            $"mean: {Number(s.Mean)}", $"median: {Number(s.Median)}", $"std: {Number(s.Std)}", $"min: {Number(s.Min)}", $"max: {Number(s.Max)}") + "\n";
    }

    /// <summary>Reads the report a run (or shard) wrote into <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed; the message names it.</exception>
    public static EvaluationReport Read(string folder)
    {
        var metricsPath = Path.Combine(folder, MetricsFile);
        var csvPath = Path.Combine(folder, PerImageFile);
        foreach (var file in new[] { metricsPath, csvPath })
            if (!File.Exists(file)) throw new InvalidDataException($"{file}: not found; is {folder} the output folder of an evaluation run or shard?");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(metricsPath)) as JsonObject ?? throw new InvalidDataException($"{metricsPath}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{metricsPath}: not valid JSON ({e.Message})");
        }
        var columns = (root["metrics"] as JsonObject ?? [])
            .Select(p => new ReportColumn(p.Key, p.Value?["report"]?.GetValue<bool>() ?? false)).ToList();
        var shard = root["shard"] is JsonObject s ? new ShardSpec(s["index"]!.GetValue<int>(), s["count"]!.GetValue<int>()) : null;
        var key = root["data_list_key"]?.GetValue<string>() ?? "";
        return new EvaluationReport(key, columns, ReadItems(csvPath, columns), shard);
    }

    private static List<ItemOutcome> ReadItems(string csvPath, IReadOnlyList<ReportColumn> columns)
    {
        var records = CsvLine.Parse(File.ReadAllText(csvPath));
        var expected = new List<string> { "index", "image", "status" };
        expected.AddRange(columns.Select(c => c.Name));
        expected.Add("error");
        if (records.Count == 0 || !records[0].SequenceEqual(expected))
            throw new InvalidDataException($"{csvPath}: the header is not {string.Join(",", expected)}; it does not match metrics.json beside it");
        var items = new List<ItemOutcome>();
        for (var r = 1; r < records.Count; r++)
        {
            var f = records[r];
            if (f.Count != expected.Count || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || ParseStatus(f[2]) is not { } status)
                throw new InvalidDataException($"{csvPath}: line {r + 1} is malformed");
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Count; c++)
                if (f[3 + c].Length > 0) values[columns[c].Name] = ParseNumber(f[3 + c], csvPath, r + 1);
            items.Add(new ItemOutcome(index, f[1], status, f[^1].Length > 0 ? f[^1] : null, values));
        }
        return items;
    }

    /// <summary>Combines shard reports into the report of the whole list; checks that the shards belong together and none is missing.</summary>
    /// <exception cref="InvalidDataException">The shards differ in list, metrics or shard count, repeat an input, or one is missing.</exception>
    public static EvaluationReport Merge(IReadOnlyList<(string Folder, EvaluationReport Report)> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0) throw new InvalidDataException("nothing to merge: name the shard output folders");
        var (firstFolder, first) = shards[0];
        foreach (var (folder, report) in shards)
        {
            if (report.DataListKey != first.DataListKey)
                throw new InvalidDataException($"{folder} evaluated list '{report.DataListKey}' but {firstFolder} evaluated '{first.DataListKey}'");
            if (!report.Columns.SequenceEqual(first.Columns))
                throw new InvalidDataException($"{folder} reports [{string.Join(", ", report.Columns.Select(c => c.Name))}] but {firstFolder} reports [{string.Join(", ", first.Columns.Select(c => c.Name))}]; shards must run one config");
        }
        var counts = shards.Select(s => s.Report.Shard?.Count).Distinct().ToList();
        if (counts.Count != 1 || counts[0] is null)
            throw new InvalidDataException($"the folders are not shards of one run (shard counts: {string.Join(", ", shards.Select(s => $"{s.Folder}: {s.Report.Shard?.Count.ToString(CultureInfo.InvariantCulture) ?? "not a shard"}"))})");
        var count = counts[0]!.Value;
        var present = shards.GroupBy(s => s.Report.Shard!.Index).ToList();
        if (present.FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidDataException($"shard {twice.Key} of {count} is given twice: {string.Join(", ", twice.Select(s => s.Folder))}");
        var missing = Enumerable.Range(0, count).Except(present.Select(g => g.Key)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"shard(s) {string.Join(", ", missing)} of {count} are missing; merge needs every shard's output folder");
        var items = shards.SelectMany(s => s.Report.Items).ToList();
        if (items.GroupBy(i => i.Index).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new InvalidDataException($"item {repeated.Key} ({repeated.First().Image}) appears in more than one shard");
        return new EvaluationReport(first.DataListKey, first.Columns, items);
    }

    /// <summary>Invariant round-trip text of a value; <c>nan</c> for NaN.</summary>
    public static string Number(double value) => double.IsNaN(value) ? "nan" : value.ToString("R", CultureInfo.InvariantCulture);

    private static double ParseNumber(string text, string file, int line) =>
        text == "nan" ? double.NaN
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
        : throw new InvalidDataException($"{file}: line {line}: '{text}' is not a number");

    private static JsonNode? Json(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static string StatusName(ItemStatus status) => status switch
    {
        ItemStatus.Evaluated => "evaluated",
        ItemStatus.Skipped => "skipped",
        _ => "failed",
    };

    private static ItemStatus? ParseStatus(string text) => text switch
    {
        "evaluated" => ItemStatus.Evaluated,
        "skipped" => ItemStatus.Skipped,
        "failed" => ItemStatus.Failed,
        _ => null,
    };
}
