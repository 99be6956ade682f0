namespace Pipeline.Training;

/// <summary>A metric that may ask for per-image and summary report files (Clara's <c>report_path</c>).</summary>
public interface IReportingMetric
{
    /// <summary>The folder for the metric's report files; null when the metric writes none.</summary>
    string? ReportPath { get; }
}
