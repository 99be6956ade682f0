namespace Pipeline.Runner.Benchmarks;

/// <summary>Resident-memory figures of this process, read from /proc (native tensor memory included).</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size in bytes (VmHWM); 0 where /proc is unavailable.</summary>
    public static long PeakResidentBytes() => ReadStatusKilobytes("VmHWM:") * 1024;

    /// <summary>Current resident set size in bytes (VmRSS); 0 where /proc is unavailable.</summary>
    public static long ResidentBytes() => ReadStatusKilobytes("VmRSS:") * 1024;

    /// <summary>Starts a new peak measurement (Linux: writing 5 to clear_refs resets VmHWM), so set-up work is not counted.</summary>
    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux or not permitted: the peak then includes set-up.
        }
    }

    private static long ReadStatusKilobytes(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
