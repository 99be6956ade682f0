using System.Globalization;
using Pipeline.IO;

namespace Pipeline.Workflows.Handlers;

/// <summary>One TensorBoard event file (<c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;</c>): the version header, then scalar summaries.</summary>
public sealed class EventFileWriter : IDisposable
{
    private readonly FileStream _stream;

    /// <summary>Creates a new event file in <paramref name="directory"/> (created if missing) and writes its header; a name already taken gets a numeric suffix.</summary>
    public EventFileWriter(string directory, DateTimeOffset now, string host)
    {
        var folder = new OutputFolder(directory, "MMAR_CKPT_DIR");
        var baseName = string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{now.ToUnixTimeSeconds():D10}.{SafeHost(host)}");
        var path = Path.Combine(directory, baseName);
        for (var n = 1; File.Exists(path); n++) path = Path.Combine(directory, $"{baseName}.{n}");
        _stream = folder.CreateNew(path);
        FilePath = path;
        TfRecordFraming.WriteRecord(_stream, SummaryEventEncoding.FileVersionEvent(WallTime(now)));
        _stream.Flush();
    }

    /// <summary>The file written.</summary>
    public string FilePath { get; }

    /// <summary>Appends one event with <paramref name="scalars"/> at <paramref name="step"/>; non-finite values are written as they are (TensorBoard shows them).</summary>
    public void WriteScalars(long step, DateTimeOffset time, IEnumerable<KeyValuePair<string, float>> scalars) =>
        TfRecordFraming.WriteRecord(_stream, SummaryEventEncoding.ScalarsEvent(WallTime(time), step, scalars));

    /// <summary>Hands everything written so far to the operating system, so that a killed process leaves complete records.</summary>
    public void Flush() => _stream.Flush();

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>Seconds since the Unix epoch with millisecond resolution, as TensorFlow's <c>wall_time</c>.</summary>
    public static double WallTime(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    private static string SafeHost(string host)
    {
        var chars = host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        return chars.Length == 0 ? "localhost" : new string(chars);
    }
}
