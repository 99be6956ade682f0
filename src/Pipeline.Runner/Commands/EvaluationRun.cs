using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.Data;
using Pipeline.Evaluation;
using Pipeline.ImageIO.Nifti;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Training;
using Pipeline.Workflows;
using Pipeline.Workflows.Evaluation;
using Pipeline.Inference;

namespace Pipeline.Runner.Commands;

/// <summary>Runs config_validation.json for <c>mmar validate</c> and <c>mmar infer</c>: builds its components, picks the inputs and shard, evaluates and writes the reports.</summary>
public static class EvaluationRun
{
    /// <summary>The default evaluation config, relative to the MMAR.</summary>
    public const string DefaultConfigFile = "config/config_validation.json";

    /// <summary>Runs the request; returns the exit code (1 when any input failed).</summary>
    public static int Execute(EvaluationRequest request, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(request);
        var set = new List<string>(request.Set);
        if (request.OutputDir is { } outDir) set.Add($"{KnownVariables.EvalOutputPath}={Path.GetFullPath(outDir)}");
        if (request.DataListKey is { } key) set.Add($"{KnownVariables.DataListKey}={key}");
        // Read, build and check exactly as mmar check does, so the run refuses what check refuses, with the same messages.
        var problems = new ConfigProblems();
        var read = MmarLoader.Read(new MmarLoadOptions
        {
            MmarRoot = request.Mmar, ConfigFile = request.Config ?? DefaultConfigFile, EnvironmentFile = request.Environment, Set = set, Kind = ConfigKind.Validation,
        });
        problems.AddRange(read.Problems.Items);
        if (read.Config is not { } loaded) throw new ConfigException(problems.Items);
        using var services = MmarServices.Create(request.Mmar, request.Plugins, loaded, problems);
        using var workflow = EvaluationWorkflow.Build(loaded, services, problems);
        var doValidation = !request.Inference && loaded.Globals.GetBoolean("do_validation", true);
        var all = Inputs(request, loaded, problems);
        workflow.Check(problems, request.Input is null ? loaded.Paths.DatasetJson : null, all, doValidation);
        problems.ThrowIfErrors();

        ShardSpec? shard;
        try
        {
            shard = ShardSpec.Resolve(request.Shard, request.ShardCount, Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException("", "--shard", e.Message);
        }

        var outputInferResult = request.Inference || loaded.Globals.GetBoolean("output_infer_result", true);
        var outputFolder = RunOutput.For(loaded);
        var outputDir = outputFolder.Root;
        var reportFolder = shard is null ? outputFolder : outputFolder.Subfolder(shard.FolderName);
        var reportDir = reportFolder.Root;
        var writers = workflow.Writers;
        var metrics = workflow.Metrics;
        if (request.Inference && writers.Count == 0)
            throw new ConfigException(loaded.File, "writers", "inference writes its predictions through writers, and the config has none; add e.g. {\"name\": \"WriteNifti\", \"args\": {\"field\": \"model\", \"dtype\": \"uint8\"}}");

        var items = shard is null ? all : all.Where((_, position) => shard.Includes(position)).ToList();
        var plan = OutputPlan.Create(items, outputInferResult ? writers : [], outputFolder);
        if (plan.Problems.Count > 0)
            throw new ConfigException(plan.Problems.Select(p => new ConfigProblem(loaded.File, "writers", p)).ToList());

        var previous = PreviousOutcomes(reportDir);
        output.WriteLine(
            $"{(request.Inference ? "inferring" : "evaluating")} {items.Count} input(s){(shard is null ? "" : $" (shard {shard.Index} of {shard.Count}, {all.Count} in all)")} " +
            $"with {workflow.LoaderName}; do_validation={doValidation.ToString().ToLowerInvariant()}, " +
            $"output_infer_result={outputInferResult.ToString().ToLowerInvariant()}; outputs in {outputDir}");
        var watch = Stopwatch.StartNew();
        var network = workflow.Loader!.Load();
        IReadOnlyList<ItemOutcome> outcomes;
        try
        {
            var setup = new EvaluationSetup(network, workflow.Inferer!, workflow.PreTransforms, workflow.PostTransforms, workflow.LabelTransforms,
                doValidation ? metrics : [], writers);
            outcomes = new BulkEvaluator(setup, new EvaluationSettings(doValidation, outputInferResult, request.Overwrite, outputDir)).Run(items, plan, previous, output);
        }
        finally
        {
            network.Dispose();
        }

        var columns = Columns(doValidation ? metrics : [], outcomes);
        var report = new EvaluationReport(loaded.DataListKey, columns, outcomes, shard);
        report.Write(reportFolder, name => shard is null && metrics.FirstOrDefault(m => m.Name == name) is IReportingMetric { ReportPath: { } path }
            ? loaded.Paths.Resolve(path)
            : reportDir);
        PrintSummary(output, report, reportDir, watch.Elapsed);
        return report.Failures.Count > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>Merges shard output folders into the report files of one run, written into the MMAR's evaluation output folder.</summary>
    public static int Merge(EvaluationRequest request, IReadOnlyList<string> folders, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(request);
        var set = new List<string>(request.Set);
        if (request.OutputDir is { } outDir) set.Add($"{KnownVariables.EvalOutputPath}={Path.GetFullPath(outDir)}");
        var loaded = MmarLoader.Load(new MmarLoadOptions
        {
            MmarRoot = request.Mmar, ConfigFile = request.Config ?? DefaultConfigFile, EnvironmentFile = request.Environment, Set = set, Kind = ConfigKind.Validation,
        });
        var outputFolder = RunOutput.For(loaded);
        var outputDir = outputFolder.Root;
        var shards = folders.Select(f => (Folder: Path.GetFullPath(f), Report: EvaluationReport.Read(Path.GetFullPath(f)))).ToList();
        var merged = EvaluationReport.Merge(shards);
        merged.Write(outputFolder, _ => outputDir);
        output.WriteLine($"merged {shards.Count} shard(s), {merged.Items.Count} input(s)");
        PrintSummary(output, merged, outputDir, null);
        return merged.Failures.Count > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static IReadOnlyList<DatalistItem> Inputs(EvaluationRequest request, MmarConfig loaded, ConfigProblems problems)
    {
        if (request.Input is { } input)
        {
            var full = Path.GetFullPath(input);
            if (File.Exists(full)) return [DatalistItem.ForImage(0, full)];
            if (!Directory.Exists(full)) throw new ConfigException("", "--input", $"{full}: no such file or folder");
            var files = Directory.EnumerateFiles(full)
                .Where(NiftiFileName.IsNifti)
                .Order(StringComparer.Ordinal).ToList();
            // A folder of DICOM files is one image: the series the config's loader picks from it. Beside NIfTI images it
            // would be read as the folder of NIfTI images, so a mixed folder is refused rather than guessed at.
            var dicom = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Take(1000).Any(ImageIO.Dicom.DicomParser.LooksLikeDicom);
            if (dicom && files.Count > 0)
                throw new ConfigException("", "--input",
                    $"{full}: the folder holds both NIfTI images ({Path.GetFileName(files[0])}) and DICOM files; name one image file, a folder of NIfTI images, or a folder of DICOM files");
            if (dicom) return [DatalistItem.ForImage(0, full)];
            if (files.Count == 0) throw new ConfigException("", "--input", $"{full}: the folder holds no .nii or .nii.gz images and no DICOM files");
            return files.Select((f, i) => DatalistItem.ForImage(i, f)).ToList();
        }
        return EvaluationWorkflow.DatalistInputs(loaded, problems);
    }

    private static Dictionary<int, ItemOutcome> PreviousOutcomes(string reportDir)
    {
        try
        {
            return File.Exists(Path.Combine(reportDir, EvaluationReport.PerImageFile))
                ? EvaluationReport.Read(reportDir).Items.ToDictionary(i => i.Index)
                : [];
        }
        catch (InvalidDataException)
        {
            return []; // An unreadable earlier report only means nothing is skipped.
        }
    }

    private static List<ReportColumn> Columns(IReadOnlyList<IMetric> metrics, IReadOnlyList<ItemOutcome> outcomes)
    {
        var columns = metrics.Select(m => new ReportColumn(m.Name, m is IReportingMetric { ReportPath: not null })).ToList();
        foreach (var name in outcomes.SelectMany(o => o.Values.Keys))
            if (columns.All(c => c.Name != name)) columns.Add(new ReportColumn(name, false));
        return columns;
    }

    private static void PrintSummary(TextWriter output, EvaluationReport report, string folder, TimeSpan? elapsed)
    {
        foreach (var column in report.Columns)
        {
            var s = report.Summarize(column.Name);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{column.Name}: mean {s.Mean:0.0000}, median {s.Median:0.0000}, std {s.Std:0.0000}, min {s.Min:0.0000}, max {s.Max:0.0000} over {s.Count - s.NaNCount} input(s){(s.NaNCount > 0 ? $" ({s.NaNCount} NaN: empty label or prediction)" : "")}"));
        }
        var failures = report.Failures;
        foreach (var f in failures) output.WriteLine($"failed: {f.Image}: {f.Error}");
        var skipped = report.Items.Count(i => i.Status == ItemStatus.Skipped);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"done: {report.Items.Count - failures.Count - skipped} evaluated, {skipped} skipped, {failures.Count} failed{(elapsed is { } t ? $" in {t.TotalSeconds:0.0} s" : "")}; reports in {folder}"));
    }
}
