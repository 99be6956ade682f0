using System.Runtime.InteropServices;

namespace Pipeline.Native;

/// <summary>Native environment settings for libtorch's CPU allocator, applied before libtorch is loaded.</summary>
/// <remarks>
/// A 3-D activation is tens to hundreds of MB; glibc serves such blocks with a fresh mmap each time, so every convolution
/// and elementwise op first page-faults its whole output in 4 KiB pages. Measured on 96³ windows this took longer than
/// the arithmetic: an 8→8 3³ conv went from 0.22 s to 0.05 s (batch 1) and 0.92 s to 0.11 s (batch 4) once c10 asks for
/// transparent huge pages (<c>THP_MEM_ALLOC_ENABLE</c>). A value the user already set is left alone.
/// Huge pages still have to be zeroed on first touch, and glibc returns freed heap above 64 MB at its top to the system, so
/// inference kept zeroing its outputs afresh. <see cref="KeepFreedHeap"/> tells glibc to keep its heap (no trimming) and to
/// put blocks up to 32 MB there, as PyTorch's caching allocators keep their blocks: SegResnet on a 512×512×300 volume in
/// bf16 took 24–30 s instead of 53 s. Larger blocks stay mapped, so long-lived volumes do not fragment the heap (serving
/// every block from the heap was faster still, but raised that run's peak by 0.9 GB). It is for inference: a training
/// step's many mid-sized autograd buffers fragment the kept heap (fp32 SegResnet step 4.5 → 3.5 s, but peak RSS 1.3 →
/// 2.5 GB). A process that calls it keeps its peak heap until it exits; setting <c>MALLOC_TRIM_THRESHOLD_</c>,
/// <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_MMAP_MAX_</c>, <c>MALLOC_TOP_PAD_</c> or a <c>glibc.malloc</c> tunable in
/// <c>GLIBC_TUNABLES</c> keeps glibc's own policy instead.
/// </remarks>
public static partial class TorchAllocatorSettings
{
    /// <summary>The c10 switch that makes large CPU allocations use transparent huge pages.</summary>
    public const string HugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>Sets the variables in the native environment (getenv sees them); a no-op off Linux.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        // .NET's Environment.SetEnvironmentVariable only changes the managed copy; libtorch reads the C environment.
        _ = SetEnv(HugePagesVariable, "1", overwrite: 0);
    }

    /// <summary>Environment variables through which glibc's allocator is configured; if any is set, its policy is left alone.</summary>
    public static readonly IReadOnlyList<string> AllocatorVariables = ["MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_"];

    /// <summary>Blocks up to this size come from glibc's heap; larger ones are mapped and unmapped (glibc's largest allowed threshold).</summary>
    public const int HeapBlockLimit = 32 << 20;

    // mallopt parameters from glibc's malloc.h; a trim threshold of -1 turns trimming off.
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    /// <summary>Tells glibc to keep its heap and serve blocks up to <see cref="HeapBlockLimit"/> from it, for inference runs; a no-op where the user configured glibc's allocator or off glibc.</summary>
    public static void KeepFreedHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (AllocatorVariables.Any(v => Environment.GetEnvironmentVariable(v) is not null) ||
            (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "").Contains("glibc.malloc", StringComparison.Ordinal))
            return;
        try
        {
            _ = MallOpt(MmapThreshold, HeapBlockLimit);
            _ = MallOpt(TrimThreshold, -1);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): its allocator keeps its own policy.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
