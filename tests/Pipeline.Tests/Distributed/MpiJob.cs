using System.Diagnostics;
using System.Text;

namespace Pipeline.Tests.Distributed;

/// <summary>Runs the test build's <c>mmar</c> under Debian's Open MPI <c>mpirun</c> on this machine, one thread per rank.</summary>
internal sealed class MpiJob : IDisposable
{
    private const string Mpirun = "/usr/bin/mpirun";
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>A marker in every rank's environment, to find the ranks' processes.</summary>
    public string Marker { get; } = Guid.NewGuid().ToString("N");

    private MpiJob(int ranks, IEnumerable<string> mmarArgs)
    {
        if (!File.Exists(Mpirun)) throw new InvalidOperationException($"{Mpirun} is missing: install Debian's openmpi-bin (./test does)");
        var mmar = Path.Combine(AppContext.BaseDirectory, "mmar");
        var start = new ProcessStartInfo(Mpirun)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe", "--bind-to", "none",
                     "-x", "OMP_NUM_THREADS", "-x", "MMAR_TEST_JOB", mmar }.Concat(mmarArgs))
            start.ArgumentList.Add(arg);
        // The tests run as root on CI; Open MPI asks for both variables before it starts ranks as root.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        start.Environment["OMP_NUM_THREADS"] = "1";
        // Containers often forbid the cross-memory attach Open MPI's shared-memory transport uses for large messages.
        start.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        start.Environment["MMAR_TEST_JOB"] = Marker;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>mpirun -np <paramref name="ranks"/> mmar <paramref name="mmarArgs"/></c>.</summary>
    public static MpiJob Start(int ranks, params string[] mmarArgs) => new(ranks, mmarArgs);

    /// <summary>Runs the job to its end.</summary>
    public static (int ExitCode, string Output) Run(int ranks, params string[] mmarArgs)
    {
        using var job = Start(ranks, mmarArgs);
        return (job.Wait(TimeSpan.FromMinutes(5)), job.Output);
    }

    /// <summary>What every rank and mpirun printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Waits for mpirun to end; its exit code, or -1 when it was still running after <paramref name="limit"/> (it is then killed).</summary>
    public int Wait(TimeSpan limit)
    {
        if (!_process.WaitForExit(limit))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            return -1;
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The process id of rank <paramref name="rank"/> of this job, found by its environment.</summary>
    public int? RankProcess(int rank)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(dir, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var variables = environment.Split('\0');
            if (variables.Contains($"MMAR_TEST_JOB={Marker}") && variables.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
        }
        return null;
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. STOP, KILL) to process <paramref name="pid"/>.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
