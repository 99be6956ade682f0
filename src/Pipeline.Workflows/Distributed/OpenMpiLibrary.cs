using System.Runtime.InteropServices;

namespace Pipeline.Workflows.Distributed;

/// <summary>
/// The few Open MPI entry points data-parallel training needs, bound at run time from Debian's <c>libmpi.so.40</c>.
/// </summary>
/// <remarks>
/// Hand-written because the one MPI binding NuGet serves here (MPI.NET 1.4.0) binds only Microsoft MPI's <c>msmpi.dll</c>
/// with MPICH-style integer handles; Open MPI's handles are the addresses of exported globals (<c>ompi_mpi_comm_world</c>,
/// <c>ompi_mpi_float</c>, <c>ompi_mpi_op_sum</c>), which are looked up here. The library is opened RTLD_GLOBAL, because
/// Open MPI's own plugins, which it opens later, resolve their symbols against it.
/// </remarks>
internal sealed unsafe class OpenMpiLibrary
{
    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;
    private const int ThreadSerialized = 2;

    private readonly delegate* unmanaged<int*, nint, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<nint, int*, int> _commRank;
    private readonly delegate* unmanaged<nint, int*, int> _commSize;
    private readonly delegate* unmanaged<nint, int, int> _abort;
    private readonly delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int> _iallreduce;
    private readonly delegate* unmanaged<nint, int, nint, int, nint, nint*, int> _ibcast;
    private readonly delegate* unmanaged<nint, int, nint, nint, int, nint, nint, nint*, int> _iallgather;
    private readonly delegate* unmanaged<nint, int, nint, nint, int*, int*, nint, nint, nint*, int> _iallgatherv;
    private readonly delegate* unmanaged<nint*, int*, nint, int> _test;

    private OpenMpiLibrary(nint library)
    {
        nint Export(string name) => NativeLibrary.GetExport(library, name);
        _initThread = (delegate* unmanaged<int*, nint, int, int*, int>)Export("MPI_Init_thread");
        _initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        _commRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        _abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        _iallreduce = (delegate* unmanaged<nint, nint, int, nint, nint, nint, nint*, int>)Export("MPI_Iallreduce");
        _ibcast = (delegate* unmanaged<nint, int, nint, int, nint, nint*, int>)Export("MPI_Ibcast");
        _iallgather = (delegate* unmanaged<nint, int, nint, nint, int, nint, nint, nint*, int>)Export("MPI_Iallgather");
        _iallgatherv = (delegate* unmanaged<nint, int, nint, nint, int*, int*, nint, nint, nint*, int>)Export("MPI_Iallgatherv");
        _test = (delegate* unmanaged<nint*, int*, nint, int>)Export("MPI_Test");
        World = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Byte = Export("ompi_mpi_byte");
        Int = Export("ompi_mpi_int");
        Sum = Export("ompi_mpi_op_sum");
    }

    /// <summary>MPI_COMM_WORLD.</summary>
    public nint World { get; }

    /// <summary>MPI_FLOAT.</summary>
    public nint Float { get; }

    /// <summary>MPI_DOUBLE.</summary>
    public nint Double { get; }

    /// <summary>MPI_BYTE.</summary>
    public nint Byte { get; }

    /// <summary>MPI_INT.</summary>
    public nint Int { get; }

    /// <summary>MPI_SUM.</summary>
    public nint Sum { get; }

    /// <summary>Open MPI's MPI_IN_PLACE.</summary>
    public static nint InPlace => 1;

    /// <summary>Opens Open MPI's library.</summary>
    /// <exception cref="DllNotFoundException">Open MPI is not installed; the message says which package provides it.</exception>
    public static OpenMpiLibrary Load()
    {
        string[] candidates = ["libmpi.so.40", "libmpi.so"];
        foreach (var name in candidates)
        {
            var handle = DlOpen(name, RtldNow | RtldGlobal);
            if (handle != 0) return new OpenMpiLibrary(handle);
        }
        throw new DllNotFoundException(
            "Open MPI's libmpi.so.40 is not installed or not on the library path; on Debian: apt-get install openmpi-bin libopenmpi3 (or load your cluster's Open MPI module)");
    }

    /// <summary>MPI_Init_thread with MPI_THREAD_SERIALIZED (only one thread calls MPI at a time), unless MPI is already initialised.</summary>
    public void Initialize()
    {
        int flag;
        Check(_initialized(&flag), "MPI_Initialized");
        if (flag != 0) return;
        int provided;
        Check(_initThread(null, 0, ThreadSerialized, &provided), "MPI_Init_thread");
    }

    /// <summary>MPI_Finalize, once, when MPI was initialised and is not finalised yet.</summary>
    public void Shutdown()
    {
        int initialized, finalized;
        _initialized(&initialized);
        _finalized(&finalized);
        if (initialized != 0 && finalized == 0) _finalize();
    }

    /// <summary>This process's rank in MPI_COMM_WORLD.</summary>
    public int Rank()
    {
        int rank;
        Check(_commRank(World, &rank), "MPI_Comm_rank");
        return rank;
    }

    /// <summary>The number of ranks in MPI_COMM_WORLD.</summary>
    public int Size()
    {
        int size;
        Check(_commSize(World, &size), "MPI_Comm_size");
        return size;
    }

    /// <summary>MPI_Abort on the world: every rank ends with <paramref name="code"/>.</summary>
    public void Abort(int code) => _abort(World, code);

    /// <summary>Starts an in-place sum over the world of <paramref name="count"/> elements of <paramref name="type"/> at <paramref name="buffer"/>.</summary>
    public nint StartAllReduceSum(nint buffer, int count, nint type)
    {
        nint request;
        Check(_iallreduce(InPlace, buffer, count, type, Sum, World, &request), "MPI_Iallreduce");
        return request;
    }

    /// <summary>Starts a broadcast of <paramref name="count"/> bytes at <paramref name="buffer"/> from <paramref name="root"/>.</summary>
    public nint StartBroadcast(nint buffer, int count, int root)
    {
        nint request;
        Check(_ibcast(buffer, count, Byte, root, World, &request), "MPI_Ibcast");
        return request;
    }

    /// <summary>Starts gathering one int from every rank into <paramref name="receive"/> (one per rank).</summary>
    public nint StartAllGather(int* send, int* receive)
    {
        nint request;
        Check(_iallgather((nint)send, 1, Int, (nint)receive, 1, Int, World, &request), "MPI_Iallgather");
        return request;
    }

    /// <summary>Starts gathering every rank's bytes (<paramref name="counts"/>, at <paramref name="displacements"/>) into <paramref name="receive"/>.</summary>
    public nint StartAllGatherV(nint send, int count, nint receive, int* counts, int* displacements)
    {
        nint request;
        Check(_iallgatherv(send, count, Byte, receive, counts, displacements, Byte, World, &request), "MPI_Iallgatherv");
        return request;
    }

    /// <summary>MPI_Test: whether the request has completed (it is then freed).</summary>
    public bool Test(ref nint request)
    {
        int flag;
        fixed (nint* r = &request) Check(_test(r, &flag, 0), "MPI_Test");
        return flag != 0;
    }

    private static void Check(int code, string function)
    {
        if (code != 0) throw new InvalidOperationException($"{function} failed with MPI error {code}");
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen(string file, int mode);
}
