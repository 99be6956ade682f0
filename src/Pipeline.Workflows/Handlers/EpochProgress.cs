using System.Globalization;
using System.Text;
using Pipeline.Training;

namespace Pipeline.Workflows.Handlers;

/// <summary>The progress of the current epoch, summed from iteration records, and its one-line bar.</summary>
public sealed class EpochProgress
{
    private const int BarLength = 20;
    private double _lossSum;
    private double _seconds;
    private int _count;

    /// <summary>0-based epoch shown.</summary>
    public int Epoch { get; private set; } = -1;

    /// <summary>Steps done in the epoch.</summary>
    public int Done { get; private set; }

    /// <summary>Steps the epoch should have; 0 when unknown.</summary>
    public int Total { get; private set; }

    /// <summary>Adds a step; a step of another epoch starts over.</summary>
    public void Add(IterationRecord step)
    {
        if (step.Epoch != Epoch) Reset(step.Epoch);
        Done = step.StepInEpoch;
        Total = step.StepsPerEpoch;
        _lossSum += step.Loss;
        _seconds += step.StepSeconds;
        _count++;
    }

    /// <summary>Forgets the steps seen and shows <paramref name="epoch"/>.</summary>
    public void Reset(int epoch)
    {
        Epoch = epoch;
        Done = Total = _count = 0;
        _lossSum = _seconds = 0;
    }

    /// <summary>E.g. <c>epoch 3/10 [########------------]  40/100 loss 0.2345, 2.5 steps/s, ETA 0:24</c> (time from the steps' own durations).</summary>
    public string Line(int epochs)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"epoch {Epoch + 1}/{epochs} ");
        if (Total > 0)
        {
            var filled = (int)Math.Round(BarLength * Math.Min(1.0, (double)Done / Total));
            text.Append('[').Append('#', filled).Append('-', BarLength - filled).Append("] ");
            text.Append(Done.ToString(CultureInfo.InvariantCulture).PadLeft(Total.ToString(CultureInfo.InvariantCulture).Length)).Append('/').Append(Total);
        }
        else text.Append(CultureInfo.InvariantCulture, $"step {Done}");
        text.Append(" loss ").Append(TrainingSummaryText.Number(_count > 0 ? _lossSum / _count : double.NaN));
        if (_seconds > 0 && _count > 0)
        {
            var rate = _count / _seconds;
            text.Append(CultureInfo.InvariantCulture, $", {rate:0.00} steps/s");
            if (Total > Done) text.Append(", ETA ").Append(Duration((Total - Done) / rate));
        }
        return text.ToString();
    }

    /// <summary>E.g. <c>0:24</c>, <c>1:02:03</c>.</summary>
    public static string Duration(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Round(Math.Max(0, seconds)));
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}:{span.Seconds:00}");
    }
}
