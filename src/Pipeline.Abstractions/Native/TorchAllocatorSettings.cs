using System.Runtime.InteropServices;

namespace Pipeline.Native;

/// <summary>Native environment settings for libtorch's CPU allocator, applied before libtorch is loaded.</summary>
/// <remarks>
/// A 3-D activation is tens to hundreds of MB; glibc serves such blocks with a fresh mmap each time, so every convolution
/// and elementwise op first page-faults its whole output in 4 KiB pages. Measured on 96³ windows this took longer than
/// the arithmetic: an 8→8 3³ conv went from 0.22 s to 0.05 s (batch 1) and 0.92 s to 0.11 s (batch 4) once c10 asks for
/// transparent huge pages (<c>THP_MEM_ALLOC_ENABLE</c>). A value the user already set is left alone. Huge pages still have
/// to be zeroed on first touch, and glibc unmaps every freed block above its mmap threshold, so each op zeroed its output
/// afresh: 20–30 % of a SegResnet inference was kernel time. glibc is therefore told to serve large blocks from its heap
/// and to keep up to 1 GiB of freed memory for reuse (96³ SegResnet windows, batch 4: fp32 0.48 → 0.27 s per window,
/// bf16 0.19 → 0.16 s; kernel time 13 s → 4 s over the run). The process keeps its peak heap until more than 1 GiB of it
/// is free at the top.
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
        KeepFreedBlocks();
    }

    /// <summary>The amount of free memory at the top of glibc's heap that it keeps instead of returning it to the system.</summary>
    public const int RetainedFreeBytes = 1 << 30;

    // mallopt parameters from glibc's malloc.h.
    private const int TrimThreshold = -1;
    private const int MmapMax = -4;

    private static void KeepFreedBlocks()
    {
        try
        {
            _ = MallOpt(MmapMax, 0);
            _ = MallOpt(TrimThreshold, RetainedFreeBytes);
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
