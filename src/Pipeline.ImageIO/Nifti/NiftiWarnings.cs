namespace Pipeline.ImageIO.Nifti;

/// <summary>Where the NIfTI reader reports what it read past without refusing the file: standard error, unless a caller redirects it.</summary>
/// <remarks>
/// The redirection is ambient (it flows into tasks and threads started under it) so that every reader call a command
/// makes, however deep in a pipeline, reports to that command's error output without each caller passing a sink.
/// </remarks>
public static class NiftiWarnings
{
    private static readonly AsyncLocal<Action<string>?> Sink = new();

    /// <summary>Sends warnings raised in this asynchronous flow to <paramref name="sink"/> until the result is disposed.</summary>
    /// <param name="sink">Receives one message per warning, naming the file, without a "warning: " prefix.</param>
    public static IDisposable RedirectTo(Action<string> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var previous = Sink.Value;
        Sink.Value = sink;
        return new Restore(previous);
    }

    /// <summary>Reports <paramref name="message"/> to the current sink, or as a "warning: " line on standard error.</summary>
    internal static void Report(string message)
    {
        if (Sink.Value is { } sink) sink(message);
        else Console.Error.WriteLine($"warning: {message}");
    }

    private sealed class Restore(Action<string>? previous) : IDisposable
    {
        public void Dispose() => Sink.Value = previous;
    }
}
