using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Native;

/// <summary>Loads TorchSharp's native libraries before first use, repairing the one known Debian 12 incompatibility.</summary>
/// <remarks>
/// libLibTorchSharp 0.107 requires <c>GLIBCXX_3.4.32</c> only for <c>std::ios_base_library_init</c>, a symbol with no
/// relocation. Where the system libstdc++ is older, a copy whose requirement is marked weak loads and works. Loading
/// it first (same SONAME) makes TorchSharp's own lookup find it, so TorchSharp never falls back to copying ~480 MB
/// of natives out of the NuGet cache. Where the original loads, nothing is patched.
/// </remarks>
public static class TorchNativeLoader
{
    /// <summary>Versions that are safe to weaken: every symbol bound to them is unrelocated.</summary>
    private static readonly HashSet<string> WeakenableVersions = ["GLIBCXX_3.4.32"];
    private const string LibraryFile = "libLibTorchSharp.so";
    private const string PatchedFile = "libLibTorchSharp.weak-glibcxx.so";

    private static readonly Lazy<string> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Ensures the native libraries are loaded; returns the path of the libLibTorchSharp that was loaded.</summary>
    /// <exception cref="TorchNativeLoadException">The library cannot be loaded; the message says why in one sentence.</exception>
    public static string EnsureLoaded() => Loaded.Value;

    private static string Load()
    {
        if (!OperatingSystem.IsLinux()) return "(platform default)";
        TorchAllocatorSettings.Apply();
        var dir = FindNativeDirectory()
            ?? throw new TorchNativeLoadException($"TorchSharp's native library {LibraryFile} was not found next to the application in {AppContext.BaseDirectory} (was the libtorch package restored for this build?).");

        foreach (var dependency in new[] { "libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so" })
        {
            var path = Path.Combine(dir, dependency);
            if (File.Exists(path) && !NativeLibrary.TryLoad(path, out _))
                throw new TorchNativeLoadException($"libtorch could not be loaded from {path}: {DlError(path)}.");
        }

        var original = Path.Combine(dir, LibraryFile);
        if (NativeLibrary.TryLoad(original, out var handle))
            return Register(handle, original);

        var reason = DlError(original);
        var missing = WeakenableVersions.Where(v => reason.Contains(v, StringComparison.Ordinal)).ToHashSet();
        if (missing.Count == 0)
            throw new TorchNativeLoadException($"TorchSharp's native library {original} could not be loaded: {reason}.");

        var patched = WritePatchedCopy(original, dir, missing);
        if (!NativeLibrary.TryLoad(patched, out handle))
            throw new TorchNativeLoadException($"TorchSharp's native library could not be loaded even after marking {string.Join(", ", missing)} weak in {patched}: {DlError(patched)}.");
        return Register(handle, patched);
    }

    private static string Register(IntPtr handle, string path)
    {
        // Route TorchSharp's own lookups to the library we loaded, whatever its file name.
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(TorchSharp.torch).Assembly,
                (name, _, _) => name == "LibTorchSharp" ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set (an embedding host did it); the already-loaded SONAME still resolves.
        }
        return path;
    }

    private static string? FindNativeDirectory()
    {
        var baseDir = AppContext.BaseDirectory;
        var candidates = new[]
        {
            Path.Combine(baseDir, "runtimes", "linux-x64", "native"),
            baseDir,
            Path.GetDirectoryName(typeof(TorchNativeLoader).Assembly.Location) is { Length: > 0 } own
                ? Path.Combine(own, "runtimes", "linux-x64", "native") : baseDir,
        };
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, LibraryFile)));
    }

    private static string WritePatchedCopy(string original, string dir, IReadOnlySet<string> versions)
    {
        var info = new FileInfo(original);
        foreach (var target in PatchedCandidates(dir, info))
        {
            if (File.Exists(target) && File.GetLastWriteTimeUtc(target) >= info.LastWriteTimeUtc) return target;
            try
            {
                var bytes = File.ReadAllBytes(original);
                ElfVersionNeedPatcher.Weaken(bytes, versions);
                IO.AtomicFile.Write(target, stream => stream.Write(bytes)); // concurrent processes never see a partial copy
                return target;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Read-only install folder: try the per-user cache next.
            }
        }
        throw new TorchNativeLoadException($"TorchSharp's native library needs a patched copy of {original}, but neither {dir} nor the user cache folder is writable.");
    }

    private static IEnumerable<string> PatchedCandidates(string dir, FileInfo original)
    {
        yield return Path.Combine(dir, PatchedFile);
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cache))
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        yield return Path.Combine(cache, "mmar", "native", $"{original.Length:x}-{original.LastWriteTimeUtc.Ticks:x}", PatchedFile);
    }

    private static string DlError(string path)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return "unknown error";
        }
        catch (DllNotFoundException e)
        {
            // .NET's message ends with the dynamic loader's own text, which is the part that explains the failure.
            var message = e.Message.Trim().TrimEnd('.');
            var idx = message.LastIndexOf(path + ": ", StringComparison.Ordinal);
            return idx >= 0 ? message[(idx + path.Length + 2)..] : message;
        }
    }
}

/// <summary>TorchSharp's native libraries cannot be loaded on this machine.</summary>
public sealed class TorchNativeLoadException(string message) : Exception(message);
