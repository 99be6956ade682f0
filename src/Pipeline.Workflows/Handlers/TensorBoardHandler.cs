using Pipeline.Training;

namespace Pipeline.Workflows.Handlers;

/// <summary>Records a training run as TensorBoard scalars in an event file under the run's output directory (<c>tensorboard --logdir &lt;MMAR&gt;/models</c>).</summary>
/// <remarks>
/// Every <see cref="TrainingRunInfo.SummaryInterval"/> steps (Clara's <c>train_summary_recording_interval</c>; 0 = per
/// epoch only): <c>train/loss</c> and <c>train/&lt;aux tag&gt;</c> as means over the steps since the previous record
/// (NaN values left out), and <c>train/learning_rate</c> as used by the recorded step. After every epoch:
/// <c>epoch/loss</c>, <c>epoch/learning_rate</c>, <c>epoch/waited_fraction</c>, <c>epoch/&lt;aux tag&gt;</c> and, when
/// validation ran, <c>validation/&lt;metric&gt;</c>. The x axis is the global step. The file is flushed after every
/// record, so a killed run leaves a file TensorBoard reads; a resumed run starts a new file in the same directory.
/// An I/O failure is reported once as a warning and ends recording, not training.
/// </remarks>
public sealed class TensorBoardHandler : ITrainingHandler, IDisposable
{
    private readonly string? _outputDir;
    private readonly TimeProvider _clock;
    private readonly string _host;
    private readonly TextWriter _warnings;
    private readonly Dictionary<string, (double Sum, int Count)> _pending = new(StringComparer.Ordinal);
    private EventFileWriter? _writer;
    private int _interval;
    private bool _failed;

    /// <summary>Writes into <paramref name="outputDir"/>, or the run's <see cref="TrainingRunInfo.OutputDir"/> when null; <paramref name="clock"/> and <paramref name="host"/> name the file and time the records (system clock and machine name by default).</summary>
    public TensorBoardHandler(string? outputDir = null, TimeProvider? clock = null, string? host = null, TextWriter? warnings = null)
    {
        _outputDir = outputDir;
        _clock = clock ?? TimeProvider.System;
        _host = host ?? Environment.MachineName;
        _warnings = warnings ?? Console.Error;
    }

    /// <summary>The event file being written; null before the run starts or after a failure.</summary>
    public string? FilePath => _writer?.FilePath;

    /// <inheritdoc />
    public void RunStarted(TrainingRunInfo run)
    {
        _interval = Math.Max(0, run.SummaryInterval);
        _pending.Clear();
        _writer?.Dispose();
        _writer = null;
        Guard(() => _writer = new EventFileWriter(_outputDir ?? run.OutputDir, _clock.GetUtcNow(), _host));
    }

    /// <inheritdoc />
    public void IterationCompleted(IterationRecord iteration)
    {
        if (_interval == 0 || _writer is null) return;
        Accumulate("train/loss", iteration.Loss);
        foreach (var (tag, value) in iteration.AuxValues) Accumulate("train/" + tag, value);
        if (iteration.GlobalStep % _interval != 0) return;

        var scalars = new List<KeyValuePair<string, float>>();
        foreach (var (tag, (sum, count)) in _pending)
            if (count > 0) scalars.Add(new(tag, (float)(sum / count)));
        scalars.Insert(Math.Min(1, scalars.Count), new("train/learning_rate", (float)iteration.LearningRate));
        _pending.Clear();
        Write(iteration.GlobalStep, scalars);
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord epoch)
    {
        if (_writer is null) return;
        var scalars = new List<KeyValuePair<string, float>>
        {
            new("epoch/loss", (float)epoch.MeanLoss),
            new("epoch/learning_rate", (float)epoch.LearningRate),
            new("epoch/waited_fraction", (float)epoch.WaitedFraction),
        };
        foreach (var (tag, value) in epoch.AuxMeans) scalars.Add(new("epoch/" + tag, (float)value));
        if (epoch.Metrics is not null)
            foreach (var (name, value) in epoch.Metrics) scalars.Add(new("validation/" + name, (float)value));
        Write(epoch.GlobalStep, scalars);
    }

    /// <inheritdoc />
    public void RunCompleted(TrainingRunInfo run, EpochRecord? last) => Dispose();

    /// <inheritdoc />
    public void Dispose()
    {
        var writer = _writer;
        _writer = null;
        if (writer is not null) Guard(writer.Dispose);
    }

    private void Accumulate(string tag, double value)
    {
        _pending.TryGetValue(tag, out var entry);
        _pending[tag] = double.IsNaN(value) ? entry : (entry.Sum + value, entry.Count + 1);
    }

    private void Write(long step, List<KeyValuePair<string, float>> scalars)
    {
        var writer = _writer!;
        Guard(() =>
        {
            writer.WriteScalars(step, _clock.GetUtcNow(), scalars);
            writer.Flush();
        });
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_failed) _warnings.WriteLine($"warning: TensorBoard recording stopped: {e.Message}");
            _failed = true;
            try { _writer?.Dispose(); } catch (IOException) { }
            _writer = null;
        }
    }
}
