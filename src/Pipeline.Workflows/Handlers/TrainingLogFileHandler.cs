using System.Globalization;
using System.Text;
using Pipeline.IO;
using Pipeline.Training;

namespace Pipeline.Workflows.Handlers;

/// <summary>Appends the run's start, epoch summaries and end, each timestamped (UTC), to <c>&lt;output dir&gt;/training.log</c>, flushed after every line.</summary>
/// <remarks>The file is appended to, so a resumed run continues the same log. An I/O failure is reported once as a warning and ends logging, not training.</remarks>
public sealed class TrainingLogFileHandler : ITrainingHandler, IDisposable
{
    /// <summary>The log's file name inside the output directory.</summary>
    public const string FileName = "training.log";

    private readonly string? _outputDir;
    private readonly TimeProvider _clock;
    private readonly TextWriter _warnings;
    private StreamWriter? _writer;
    private bool _failed;

    /// <summary>Logs into <paramref name="outputDir"/>, or the run's <see cref="TrainingRunInfo.OutputDir"/> when null; <paramref name="clock"/> stamps the lines (system clock by default).</summary>
    public TrainingLogFileHandler(string? outputDir = null, TimeProvider? clock = null, TextWriter? warnings = null)
    {
        _outputDir = outputDir;
        _clock = clock ?? TimeProvider.System;
        _warnings = warnings ?? Console.Error;
    }

    /// <inheritdoc />
    public void RunStarted(TrainingRunInfo run)
    {
        Guard(() =>
        {
            if (_writer is null)
            {
                var stream = new OutputFolder(_outputDir ?? run.OutputDir, "MMAR_CKPT_DIR").OpenAppend(FileName);
                _writer = new StreamWriter(stream, new UTF8Encoding(false));
            }
        });
        Log(TrainingSummaryText.RunStarted(run));
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord epoch) => Log(TrainingSummaryText.Epoch(epoch));

    /// <inheritdoc />
    public void RunCompleted(TrainingRunInfo run, EpochRecord? last)
    {
        Log(TrainingSummaryText.RunCompleted(run, last));
        Dispose();
    }

    /// <inheritdoc />
    public void RunFailed(string message)
    {
        Log($"failed: {message}");
        Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var writer = _writer;
        _writer = null;
        if (writer is not null) Guard(writer.Dispose);
    }

    private void Log(string line)
    {
        var writer = _writer;
        if (writer is null) return;
        var stamp = _clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Guard(() =>
        {
            writer.WriteLine($"{stamp} {line}");
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
            if (!_failed) _warnings.WriteLine($"warning: the training log stopped: {e.Message}");
            _failed = true;
            try { _writer?.Dispose(); } catch (IOException) { }
            _writer = null;
        }
    }
}
