using System.Diagnostics;

namespace Pipeline.Runner.Benchmarks;

/// <summary>Runs this very command again as N ranks through Open MPI's mpirun on this machine, passing its output through.</summary>
internal static class MpiLaunch
{
    /// <summary>mpirun's exit code, or 1 with a message when mpirun cannot be started; <paramref name="environment"/> reaches every rank.</summary>
    public static int Relaunch(int ranks, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("mpirun") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var arg in new[] { "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe", "--bind-to", "none" }) start.ArgumentList.Add(arg);
        foreach (var name in environment.Keys)
        {
            start.ArgumentList.Add("-x");
            start.ArgumentList.Add(name);
        }
        // Open MPI refuses to start ranks as root unless asked; a benchmark on a root shell (a container) should just run.
        if (Environment.UserName == "root") start.ArgumentList.Add("--allow-run-as-root");
        // The apphost is run as itself; `dotnet mmar.dll` as dotnet with the assembly first (GetCommandLineArgs gives the assembly there).
        var host = Environment.ProcessPath!;
        var args = Environment.GetCommandLineArgs();
        start.ArgumentList.Add(host);
        foreach (var arg in Path.GetFileNameWithoutExtension(host) == "dotnet" ? args : args.Skip(1)) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.WriteLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            error.WriteLine($"error: cannot start mpirun ({e.Message}); install Open MPI (Debian: apt-get install openmpi-bin) or start the ranks yourself");
            return ExitCodes.Failure;
        }
    }
}
