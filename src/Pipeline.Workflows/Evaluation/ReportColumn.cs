namespace Pipeline.Workflows.Evaluation;

/// <summary>A value reported per input: a metric, or one class of a per-class metric (<c>mean_dice_class2</c>).</summary>
/// <param name="Name">The column name in <c>per_image.csv</c> and <c>metrics.json</c>.</param>
/// <param name="WritesReport">True for a metric with <c>report_path</c>: it gets <c>&lt;name&gt;_raw_results.txt</c> and <c>&lt;name&gt;_summary_results.txt</c>.</param>
public sealed record ReportColumn(string Name, bool WritesReport);
