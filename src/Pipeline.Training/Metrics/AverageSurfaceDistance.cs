using Pipeline.Components;

namespace Pipeline.Training.Metrics;

/// <summary>MONAI's symmetric average surface distance in mm: the mean over both directions' surface distances together.</summary>
[Component(ComponentKind.Metric, "AverageSurfaceDistance")]
public sealed class AverageSurfaceDistance : SurfaceDistanceMetric
{
    /// <summary>Configures the metric; see <see cref="SurfaceDistanceMetric"/> for spacing and empty masks.</summary>
    public AverageSurfaceDistance(string field = "model", string labelField = "label", string? name = null, bool removeBg = true,
        double logitThresh = 0.5, bool isOneHotTargets = false, double[]? spacing = null, bool isKeyMetric = false, string? reportPath = null)
        : base("AverageSurfaceDistance", field, labelField, name, removeBg, logitThresh, isOneHotTargets, spacing, isKeyMetric, reportPath)
    {
    }

    /// <inheritdoc />
    protected override double Reduce(double[] predictedToTruth, double[] truthToPredicted) =>
        predictedToTruth.Concat(truthToPredicted).Average();
}
