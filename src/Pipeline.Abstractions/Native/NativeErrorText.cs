using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Native;

/// <summary>The message of a failure, in words for the user: libtorch's native errors lose their C++ backtrace, and an allocation it could not make says how much memory was asked for.</summary>
public static partial class NativeErrorText
{
    /// <summary>The message of <paramref name="error"/>, made plain (other exceptions' messages pass unchanged).</summary>
    public static string Of(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message;
        if (Allocation().Match(message) is { Success: true } alloc &&
            double.TryParse(alloc.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            var asked = (bytes / (1L << 30)).ToString("0.##", CultureInfo.InvariantCulture);
            var total = (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture);
            return $"not enough memory: a tensor of {asked} GiB was asked for ({total} GiB on this machine); " +
                   "check the sizes the config asks for (crops, windows, target spacing, batch size) against the images";
        }
        // libtorch appends "Exception raised from … (most recent call first):" and a list of "frame #N:" lines.
        var cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        var frames = message.IndexOf("\nframe #", StringComparison.Ordinal);
        var end = new[] { cut, frames }.Where(i => i >= 0).DefaultIfEmpty(message.Length).Min();
        return message[..end].TrimEnd();
    }

    [GeneratedRegex(@"can't allocate memory: you tried to allocate (\d+) bytes")]
    private static partial Regex Allocation();
}
