using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Pipeline.IO;

namespace Pipeline.Workflows.Distributed;

/// <summary>
/// The ranks of an MPI job (mpirun, srun) over Open MPI. Every collective is started non-blocking and polled, so a rank
/// that died or hangs turns into a <see cref="RankTimeoutException"/> after the rank timeout instead of a silent hang; the
/// message names the ranks that never reached the collective, from the heartbeat each rank leaves before every one.
/// </summary>
public sealed class MpiRankGroup : IRankGroup
{
    // Large reductions go in pieces MPI's int counts can hold; all pieces are in flight together.
    private const int PieceElements = 1 << 24;

    private readonly OpenMpiLibrary _mpi;
    private readonly TimeSpan _timeout;
    private OutputFolder? _heartbeats;
    private bool _failed;
    private bool _disposed;

    private MpiRankGroup(OpenMpiLibrary mpi, TimeSpan timeout)
    {
        _mpi = mpi;
        _timeout = timeout;
        Rank = mpi.Rank();
        Size = mpi.Size();
    }

    /// <summary>Initialises MPI and joins MPI_COMM_WORLD.</summary>
    /// <param name="timeout">How long a collective may wait for the other ranks before the run is stopped.</param>
    /// <exception cref="DllNotFoundException">Open MPI is not installed.</exception>
    public static MpiRankGroup Open(TimeSpan timeout)
    {
        var mpi = OpenMpiLibrary.Load();
        mpi.Initialize();
        return new MpiRankGroup(mpi, timeout);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public void UseHeartbeats(string folder)
    {
        var heartbeats = new OutputFolder(folder, "the ranks' heartbeat folder");
        heartbeats.CreateFolder(folder);
        _heartbeats = heartbeats;
    }

    /// <inheritdoc />
    public unsafe void AllReduceSum(nint address, long count, string what)
    {
        Beat(what);
        var requests = new List<nint>();
        for (long offset = 0; offset < count; offset += PieceElements)
            requests.Add(_mpi.StartAllReduceSum(address + (nint)(offset * sizeof(float)), (int)Math.Min(PieceElements, count - offset), _mpi.Float));
        Wait(requests, what);
    }

    /// <inheritdoc />
    public unsafe void AllReduceSum(double[] values, string what)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) return;
        Beat(what);
        fixed (double* p = values) Wait([_mpi.StartAllReduceSum((nint)p, values.Length, _mpi.Double)], what);
    }

    /// <inheritdoc />
    public void Broadcast(nint address, long count, string what)
    {
        Beat(what);
        var requests = new List<nint>();
        for (long offset = 0; offset < count; offset += int.MaxValue)
            requests.Add(_mpi.StartBroadcast(address + (nint)offset, (int)Math.Min(int.MaxValue, count - offset), 0));
        Wait(requests, what);
    }

    /// <inheritdoc />
    public unsafe byte[][] AllGather(byte[] mine, string what)
    {
        ArgumentNullException.ThrowIfNull(mine);
        Beat(what);
        var counts = new int[Size];
        var length = mine.Length;
        fixed (int* c = counts) Wait([_mpi.StartAllGather(&length, c)], what);
        var displacements = new int[Size];
        for (var r = 1; r < Size; r++) displacements[r] = displacements[r - 1] + counts[r - 1];
        var all = new byte[counts.Sum()];
        fixed (byte* send = mine)
        fixed (byte* receive = all)
        fixed (int* c = counts)
        fixed (int* d = displacements)
            Wait([_mpi.StartAllGatherV((nint)send, mine.Length, (nint)receive, c, d)], what);
        return [.. Enumerable.Range(0, Size).Select(r => all.AsSpan(displacements[r], counts[r]).ToArray())];
    }

    /// <inheritdoc />
    public void Fail() => _failed = true;

    private void Wait(List<nint> requests, string what)
    {
        var watch = Stopwatch.StartNew();
        var alive = TimeSpan.Zero;
        var spins = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            while (!_mpi.Test(ref request))
            {
                if (watch.Elapsed > _timeout)
                {
                    _failed = true;
                    throw new RankTimeoutException(TimeoutMessage(what));
                }
                // A rank waiting in an exchange keeps its note fresh, so a rank that stopped inside one shows by its note going stale.
                if (watch.Elapsed - alive > AliveInterval)
                {
                    alive = watch.Elapsed;
                    KeepAlive();
                }
                // Spin briefly for fast collectives, then yield the core: ranks often share a machine with the one being waited for.
                if (++spins > 200) Thread.Sleep(1);
                else Thread.Yield();
            }
        }
    }

    private static readonly TimeSpan AliveInterval = TimeSpan.FromMilliseconds(500);

    private string HeartbeatFile(int rank) => Path.Combine(_heartbeats!.Root, $"rank-{rank}.txt");

    private void Beat(string what)
    {
        if (_heartbeats is null) return;
        _heartbeats.WriteAllText(HeartbeatFile(Rank), what);
    }

    private void KeepAlive()
    {
        if (_heartbeats is null) return;
        try
        {
            File.SetLastWriteTimeUtc(HeartbeatFile(Rank), DateTime.UtcNow);
        }
        catch (IOException)
        {
            // A missed touch only makes a later timeout message less precise.
        }
    }

    private string TimeoutMessage(string what)
    {
        var seconds = _timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var head = $"rank {Rank} of {Size} waited {seconds} s for {what}, which the other ranks never joined";
        if (_heartbeats is null) return head + "; a rank died or hangs";
        var behind = new List<string>();
        for (var r = 0; r < Size; r++)
        {
            if (r == Rank) continue;
            var file = HeartbeatFile(r);
            if (!File.Exists(file))
            {
                behind.Add($"rank {r} has not reported");
                continue;
            }
            var at = File.ReadAllText(file);
            var silent = DateTime.UtcNow - File.GetLastWriteTimeUtc(file);
            var ago = silent.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
            // A rank in the same exchange refreshes its note while it waits; a stale note means it stopped inside it.
            if (at != what) behind.Add($"rank {r} was last at {at} ({ago} s ago)");
            else if (silent > 4 * AliveInterval) behind.Add($"rank {r} was last at {at} too, and has been silent inside it for {ago} s");
        }
        return behind.Count == 0
            ? head + "; every rank reached it, so MPI itself is stuck (a network or launcher problem)"
            : $"{head}: {string.Join("; ", behind)}; that rank died or hangs";
    }

    /// <summary>Leaves MPI: finalises after a run every rank completed; after a failure ends every rank (MPI_Abort, exit code 1), since the others wait in a collective that cannot complete.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_failed) _mpi.Abort(1);
        else _mpi.Shutdown();
    }
}
