using System.Globalization;
using System.Text;
using Pipeline.Training;

namespace Pipeline.Workflows.Handlers;

/// <summary>The one-line texts the console and the log file share: run start, epoch summary, run end.</summary>
public static class TrainingSummaryText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>E.g. <c>training epochs 4-10 of 10 from step 300, 100 steps per epoch</c>.</summary>
    public static string RunStarted(TrainingRunInfo run)
    {
        var text = new StringBuilder();
        text.Append(Invariant, $"training epochs {run.StartEpoch + 1}-{run.Epochs} of {run.Epochs}");
        if (run.StartStep > 0) text.Append(Invariant, $" from step {run.StartStep}");
        if (run.StepsPerEpoch > 0) text.Append(Invariant, $", {run.StepsPerEpoch} steps per epoch");
        return text.ToString();
    }

    /// <summary>
    /// E.g. <c>epoch 3/10: loss 0.2345, lr 0.0001, dice 0.8123 | mean_dice 0.8765, best 0.8800 (epoch 2) | 12.3 s + 4.5 s validation, waited 12%</c>.
    /// </summary>
    public static string Epoch(EpochRecord epoch)
    {
        var text = new StringBuilder();
        text.Append(Invariant, $"epoch {epoch.Epoch + 1}/{epoch.Epochs}: loss {Number(epoch.MeanLoss)}, lr {epoch.LearningRate.ToString("G4", Invariant)}");
        foreach (var (tag, value) in epoch.AuxMeans) text.Append(Invariant, $", {tag} {Number(value)}");
        var metrics = epoch.Metrics is { Count: > 0 } ? string.Join(", ", epoch.Metrics.Select(m => $"{m.Key} {Number(m.Value)}")) : null;
        var best = epoch.BestEpoch >= 1 ? $"best {epoch.KeyMetric ?? "metric"} {Number(epoch.BestMetric)} (epoch {epoch.BestEpoch})" : null;
        if (metrics is not null || best is not null)
            text.Append(" | ").Append(string.Join(", ", new[] { metrics, best }.Where(s => s is not null)));
        text.Append(Invariant, $" | {epoch.Seconds:0.0} s");
        if (epoch.ValidationSeconds > 0) text.Append(Invariant, $" + {epoch.ValidationSeconds:0.0} s validation");
        text.Append(Invariant, $", waited {epoch.WaitedFraction * 100:0}%");
        return text.ToString();
    }

    /// <summary>E.g. <c>training finished after epoch 10: best mean_dice 0.8800 (epoch 7)</c>.</summary>
    public static string RunCompleted(TrainingRunInfo run, EpochRecord? last)
    {
        if (last is null) return string.Create(Invariant, $"training finished: no epoch left to run ({run.Epochs} done)");
        var text = string.Create(Invariant, $"training finished after epoch {last.Epoch + 1}: loss {Number(last.MeanLoss)}");
        return last.BestEpoch >= 1 ? text + string.Create(Invariant, $", best {last.KeyMetric ?? "metric"} {Number(last.BestMetric)} (epoch {last.BestEpoch})") : text;
    }

    /// <summary>A value with four decimals (e.g. <c>0.1235</c>), or NaN.</summary>
    public static string Number(double value) => double.IsNaN(value) ? "NaN" : value.ToString("0.0000", Invariant);
}
