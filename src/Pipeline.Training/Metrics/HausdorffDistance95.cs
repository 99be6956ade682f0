using Pipeline.Components;

namespace Pipeline.Training.Metrics;

/// <summary>MONAI's 95th-percentile symmetric Hausdorff distance in mm: the larger of the two directed 95th percentiles.</summary>
[Component(ComponentKind.Metric, "HausdorffDistance95")]
public sealed class HausdorffDistance95 : SurfaceDistanceMetric
{
    /// <summary>Configures the metric; see <see cref="SurfaceDistanceMetric"/> for spacing and empty masks.</summary>
    public HausdorffDistance95(string field = "model", string labelField = "label", string? name = null, bool removeBg = true,
        double logitThresh = 0.5, bool isOneHotTargets = false, double[]? spacing = null, bool isKeyMetric = false, string? reportPath = null)
        : base("HausdorffDistance95", field, labelField, name, removeBg, logitThresh, isOneHotTargets, spacing, isKeyMetric, reportPath)
    {
    }

    /// <inheritdoc />
    protected override double Reduce(double[] predictedToTruth, double[] truthToPredicted) =>
        Math.Max(SurfaceDistances.Percentile(predictedToTruth, 95), SurfaceDistances.Percentile(truthToPredicted, 95));
}
