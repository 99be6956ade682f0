using Pipeline.Components;
using Pipeline.Training;

namespace Pipeline.Workflows.Handlers;

/// <summary>Clara's <c>StatsHandler</c> (<c>train.handlers</c>, no args): a progress bar per epoch and an epoch summary line on the console.</summary>
/// <remarks>
/// On a terminal the bar is redrawn in place after every step; when the output is redirected (a log, CI) a bar line is
/// written each time another tenth of the epoch is done (every 100 steps when the epoch length is unknown), so logs
/// stay readable.
/// </remarks>
[Component(ComponentKind.Handler, "StatsHandler")]
public sealed class StatsHandler : ITrainingHandler
{
    private const int UnknownLengthEvery = 100;
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly EpochProgress _progress = new();
    private int _epochs;
    private int _lastShownTenth;
    private int _drawnLength;

    /// <summary>Statistics on standard output, redrawn in place when it is a terminal.</summary>
    public StatsHandler() : this(Console.Out, !Console.IsOutputRedirected)
    {
    }

    private StatsHandler(TextWriter output, bool interactive)
    {
        _output = output;
        _interactive = interactive;
    }

    /// <summary>Statistics on <paramref name="output"/>; <paramref name="interactive"/> redraws the bar in place with <c>\r</c> instead of writing progress lines.</summary>
    public static StatsHandler WritingTo(TextWriter output, bool interactive) => new(output, interactive);

    /// <inheritdoc />
    public void RunStarted(TrainingRunInfo run)
    {
        _epochs = run.Epochs;
        _progress.Reset(run.StartEpoch);
        _lastShownTenth = 0;
    }

    /// <inheritdoc />
    public void IterationCompleted(IterationRecord iteration)
    {
        if (iteration.Epoch != _progress.Epoch) _lastShownTenth = 0;
        _progress.Add(iteration);
        if (_interactive)
        {
            var line = _progress.Line(_epochs);
            _output.Write('\r' + line.PadRight(_drawnLength));
            _drawnLength = line.Length;
            _output.Flush();
            return;
        }
        if (ShouldPrint())
        {
            _output.WriteLine(_progress.Line(_epochs));
            _output.Flush();
        }
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord epoch)
    {
        EndBar();
        _output.WriteLine(TrainingSummaryText.Epoch(epoch));
        _output.Flush();
        _progress.Reset(epoch.Epoch + 1);
        _lastShownTenth = 0;
    }

    /// <inheritdoc />
    public void RunCompleted(TrainingRunInfo run, EpochRecord? last)
    {
        EndBar();
        _output.WriteLine(TrainingSummaryText.RunCompleted(run, last));
        _output.Flush();
    }

    private bool ShouldPrint()
    {
        if (_progress.Total <= 0) return _progress.Done % UnknownLengthEvery == 0;
        var tenth = (int)Math.Min(10, 10L * _progress.Done / _progress.Total);
        if (tenth <= _lastShownTenth) return false;
        _lastShownTenth = tenth;
        return true;
    }

    private void EndBar()
    {
        if (!_interactive || _drawnLength == 0) return;
        _output.WriteLine();
        _drawnLength = 0;
    }
}
