using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Training;
using Pipeline.Training.Metrics;
using static TorchSharp.torch;
using Pipeline.Native;

namespace Pipeline.Workflows.Evaluation;

/// <summary>
/// Clara's bulk evaluator: per input, <c>pre_transforms</c> → inferer → <c>post_transforms</c> → (<c>label_transforms</c> →
/// <c>val_metrics</c>) → writers, streaming: a background thread loads and pre-transforms the next inputs while the current
/// one is inferred, holding at most <see cref="EvaluationSettings.PrefetchCount"/> prepared inputs, so memory does not
/// grow with the cohort.
/// </summary>
/// <remarks>
/// A problem with one input (an unreadable image, a label on another grid, a transform that cannot apply) fails that input,
/// names it, and the run goes on; the outcomes say which failed. The network's output is put in field <c>model</c> on the
/// pre-transformed image's grid. Metrics see every image field as <c>[1, C, spatial…]</c> and its voxel size as
/// <c>&lt;field&gt;_spacing</c>.
/// </remarks>
public sealed class BulkEvaluator(EvaluationSetup setup, EvaluationSettings settings)
{
    /// <summary>The field holding the input image.</summary>
    public const string ImageField = ModelPrediction.ImageField;

    /// <summary>The field the network's prediction goes to.</summary>
    public const string ModelField = ModelPrediction.ModelField;

    /// <summary>
    /// Evaluates <paramref name="items"/> whose outputs <paramref name="plan"/> placed; an input whose outputs all exist is
    /// skipped (unless overwriting) when <paramref name="previous"/> holds its earlier values or no values are needed.
    /// </summary>
    public IReadOnlyList<ItemOutcome> Run(IReadOnlyList<DatalistItem> items, OutputPlan plan, IReadOnlyDictionary<int, ItemOutcome> previous,
        TextWriter log, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(log);
        var measuring = settings.DoValidation && setup.Metrics.Count > 0;
        var outcomes = new List<ItemOutcome>(items.Count);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var queue = new BlockingCollection<Prepared>(Math.Max(1, settings.PrefetchCount));
        var producer = new Thread(() => Produce(items, plan, previous, measuring, queue, stop.Token)) { IsBackground = true, Name = "evaluation prefetch" };
        producer.Start();
        try
        {
            var done = 0;
            foreach (var prepared in queue.GetConsumingEnumerable(stop.Token))
            {
                done++;
                var outcome = Finish(prepared, plan, measuring);
                outcomes.Add(outcome);
                log.WriteLine($"[{done}/{items.Count}] {Describe(outcome)}");
            }
        }
        finally
        {
            stop.Cancel();
            producer.Join();
            while (queue.TryTake(out var left)) left.Context?.Dispose();
        }
        return outcomes;
    }

    /// <summary>An input after loading and pre-transforming (or why that failed, or why it is skipped).</summary>
    private sealed record Prepared(DatalistItem Item, TransformContext? Context, ItemOutcome? Outcome, double Seconds);

    private void Produce(IReadOnlyList<DatalistItem> items, OutputPlan plan, IReadOnlyDictionary<int, ItemOutcome> previous, bool measuring,
        BlockingCollection<Prepared> queue, CancellationToken cancellation)
    {
        try
        {
            using var noGrad = no_grad();
            foreach (var item in items)
            {
                cancellation.ThrowIfCancellationRequested();
                queue.Add(Prepare(item, plan, previous, measuring), cancellation);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    private Prepared Prepare(DatalistItem item, OutputPlan plan, IReadOnlyDictionary<int, ItemOutcome> previous, bool measuring)
    {
        var image = DatalistSamples.Describe(item);
        if (!settings.Overwrite && settings.OutputInferResult && plan.Files(item) is { Count: > 0 } files && files.All(File.Exists))
        {
            if (previous.TryGetValue(item.Index, out var earlier) && earlier.Status != ItemStatus.Failed)
                return new Prepared(item, null, earlier with { Status = ItemStatus.Skipped, Image = image }, 0);
            if (!measuring)
                return new Prepared(item, null, new ItemOutcome(item.Index, image, ItemStatus.Skipped, null, new Dictionary<string, double>()), 0);
        }
        if (!item.Files.ContainsKey(ImageField))
            return Failed(item, image, $"{item.JsonPath} has no \"{ImageField}\" field");
        var watch = Stopwatch.StartNew();
        var context = DatalistSamples.CreateContext(item, 0, 0);
        try
        {
            setup.PreTransforms.Apply(context);
            context.GetImage(ImageField, "the inferer");
            return new Prepared(item, context, null, watch.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (IsInputProblem(e))
        {
            context.Dispose();
            return Failed(item, image, $"pre_transforms: {NativeErrorText.Of(e)}");
        }
    }

    private static Prepared Failed(DatalistItem item, string image, string error) =>
        new(item, null, new ItemOutcome(item.Index, image, ItemStatus.Failed, error, new Dictionary<string, double>()), 0);

    private ItemOutcome Finish(Prepared prepared, OutputPlan plan, bool measuring)
    {
        if (prepared.Outcome is { } ready) return ready;
        var item = prepared.Item;
        var image = DatalistSamples.Describe(item);
        using var context = prepared.Context!;
        using var scope = NewDisposeScope();
        var stage = "inference";
        try
        {
            ModelPrediction.Run(context, setup.Inferer, setup.Network);
            stage = "post_transforms";
            setup.PostTransforms.Apply(context);
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            if (measuring)
            {
                stage = "label_transforms";
                setup.LabelTransforms.Apply(context);
                stage = "val_metrics";
                Measure(context, image, values);
            }
            if (settings.OutputInferResult)
            {
                stage = "writers";
                foreach (var writer in setup.Writers) writer.Write(context, plan.Stem(item));
            }
            return new ItemOutcome(item.Index, image, ItemStatus.Evaluated, null, values);
        }
        catch (Exception e) when (IsInputProblem(e))
        {
            return new ItemOutcome(item.Index, image, ItemStatus.Failed, $"{stage}: {NativeErrorText.Of(e)}", new Dictionary<string, double>());
        }
    }

    private void Measure(TransformContext context, string image, Dictionary<string, double> values)
    {
        foreach (var metric in setup.Metrics.OfType<IComparingMetric>()) CheckSameGrid(context, metric);
        var fields = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in context.Fields)
            if (context.Get(name) is MedicalImage field)
            {
                fields[name] = field.Data.unsqueeze(0);
                fields[name + "_spacing"] = tensor(field.Spacing, ScalarType.Float64).unsqueeze(0);
            }
        foreach (var metric in setup.Metrics)
        {
            metric.Reset();
            metric.Update(fields, [image]);
            values[metric.Name] = metric.Aggregate().PerSample[0].Value;
            if (metric is ComputeAverageDice { Classes.Count: > 1 } dice)
                for (var k = 0; k < dice.Classes.Count; k++)
                    values[ClassColumn(metric.Name, dice.Classes[k])] = dice.PerClassMean[k];
        }
    }

    /// <summary>The report column of one class of a per-class metric.</summary>
    public static string ClassColumn(string metric, int @class) => string.Create(CultureInfo.InvariantCulture, $"{metric}_class{@class}");

    private static void CheckSameGrid(TransformContext context, IComparingMetric metric)
    {
        if (context.Get(metric.Field) is not MedicalImage prediction || context.Get(metric.LabelField) is not MedicalImage label) return;
        var source = label.Properties.SourceFiles.Count > 0 ? label.Properties.SourceFiles[0] : $"field '{metric.LabelField}'";
        if (!prediction.SpatialShape.SequenceEqual(label.SpatialShape))
            throw new EvaluationInputException(
                $"label {source} has shape [{string.Join(", ", label.SpatialShape)}] but the prediction '{metric.Field}' has [{string.Join(", ", prediction.SpatialShape)}]; " +
                "the label must lie on the image's grid (or label_transforms must bring it there)");
        var scale = Math.Max(1, prediction.Affine.ToRowMajor().Max(Math.Abs));
        if (!prediction.Affine.ApproximatelyEquals(label.Affine, 1e-3 * scale))
            throw new EvaluationInputException(
                $"label {source} has affine {label.Affine} but the prediction '{metric.Field}' lies on {prediction.Affine}; the label does not match its image's geometry");
    }

    private static string Describe(ItemOutcome outcome) => outcome.Status switch
    {
        ItemStatus.Failed => $"{outcome.Image}: FAILED: {outcome.Error}",
        ItemStatus.Skipped => $"{outcome.Image}: skipped, outputs exist (--overwrite to redo)",
        _ => outcome.Values.Count == 0
            ? $"{outcome.Image}: done"
            : $"{outcome.Image}: " + string.Join(", ", outcome.Values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key} {v.Value:0.0000}"))),
    };

    // A config mistake stops the run; anything else that goes wrong with one input fails that input only.
    private static bool IsInputProblem(Exception e) => e is not (ConfigException or OperationCanceledException or OutOfMemoryException);
}
