using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Onnx;

/// <summary>Opens ONNX Runtime sessions with execution providers in order of preference; a provider this build or machine lacks is an error naming what is missing.</summary>
public static partial class OnnxSessions
{
    private static readonly Lazy<OrtEnv> Environment = new(() =>
    {
        // ONNX Runtime prints its own failures (a missing CUDA library, say) raw on stderr; ours name the same thing plainly.
        var options = new EnvironmentCreationOptions { logId = "mmar", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        try
        {
            if (!OrtEnv.IsCreated) return OrtEnv.CreateInstanceWithOptions(ref options);
        }
        catch (OnnxRuntimeException)
        {
            // Created meanwhile by a direct InferenceSession elsewhere in the process: its level is set below.
        }
        var existing = OrtEnv.Instance();
        existing.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        return existing;
    });

    private static readonly Dictionary<ExecutionProvider, string> RuntimeNames = new()
    {
        [ExecutionProvider.Cpu] = "CPUExecutionProvider",
        [ExecutionProvider.Cuda] = "CUDAExecutionProvider",
        [ExecutionProvider.Tensorrt] = "TensorrtExecutionProvider",
    };

    private static readonly Dictionary<ExecutionProvider, string> Libraries = new()
    {
        [ExecutionProvider.Cuda] = "libonnxruntime_providers_cuda.so",
        [ExecutionProvider.Tensorrt] = "libonnxruntime_providers_tensorrt.so",
    };

    /// <summary>The providers this build of ONNX Runtime carries (whether or not their libraries load on this machine).</summary>
    public static IReadOnlyList<ExecutionProvider> Built
    {
        get
        {
            var available = Environment.Value.GetAvailableProviders();
            return [.. RuntimeNames.Where(p => available.Contains(p.Value)).Select(p => p.Key)];
        }
    }

    /// <summary>Opens <paramref name="modelPath"/> with <paramref name="providers"/> in order of preference.</summary>
    /// <param name="modelPath">The <c>.onnx</c> file.</param>
    /// <param name="providers">Providers, most preferred first; ONNX Runtime gives each node to the first that runs it (the CPU provider is always the last resort).</param>
    /// <param name="deviceId">The GPU for the CUDA and TensorRT providers.</param>
    /// <param name="threads">Threads of the CPU provider; 0 lets ONNX Runtime choose (one per core).</param>
    /// <exception cref="ExecutionProviderException">A provider is not in this build, or a library it needs is not on this machine.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime refuses the model.</exception>
    public static InferenceSession Open(string modelPath, IReadOnlyList<ExecutionProvider> providers, int deviceId = 0, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _ = Environment.Value;
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads };
        foreach (var provider in providers.Where(p => p != ExecutionProvider.Cpu))
        {
            if (NotBuilt(provider) is { } reason) throw new ExecutionProviderException(reason, null);
            try
            {
                Append(options, provider, deviceId, modelPath);
            }
            catch (OnnxRuntimeException e)
            {
                // Only now is the provider's library probed for what it lacks: on a working machine it is loaded once, by ONNX Runtime.
                throw new ExecutionProviderException(CannotStart(provider, MissingLibrary(provider) ?? e.Message.TrimEnd('.')), e);
            }
        }
        return new InferenceSession(modelPath, options);
    }

    /// <summary>Why <paramref name="provider"/> cannot run here (not in this build, or a library it needs is missing); null when it can.</summary>
    public static string? Unavailable(ExecutionProvider provider)
    {
        if (provider == ExecutionProvider.Cpu) return null;
        return NotBuilt(provider) ?? (MissingLibrary(provider) is { } missing ? CannotStart(provider, missing) : null);
    }

    private static string? NotBuilt(ExecutionProvider provider)
    {
        var built = Built;
        return built.Contains(provider) ? null
            : $"ONNX Runtime's {Name(provider)} execution provider is not in this build, which carries {string.Join(", ", built.Select(Name))}; " +
              "build with -p:OnnxRuntimeGpu=true (the Microsoft.ML.OnnxRuntime.Gpu.Linux package), or use execution_providers [\"cpu\"]";
    }

    private static string CannotStart(ExecutionProvider provider, string why) => $"ONNX Runtime's {Name(provider)} execution provider cannot start: {why}";

    /// <summary>Where the TensorRT provider keeps the engines it builds for <paramref name="modelPath"/>: a folder beside the model, so later runs skip the build.</summary>
    public static string EngineCacheFolder(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, Path.GetFileNameWithoutExtension(modelPath) + ".trt_cache");

    /// <summary>The TensorRT provider's options for <paramref name="modelPath"/> on GPU <paramref name="deviceId"/>: engines cached in <see cref="EngineCacheFolder"/>.</summary>
    public static IReadOnlyDictionary<string, string> TensorRTOptions(string modelPath, int deviceId) => new Dictionary<string, string>
    {
        ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["trt_engine_cache_enable"] = "1",
        ["trt_engine_cache_path"] = EngineCacheFolder(modelPath),
        ["trt_timing_cache_enable"] = "1",
        ["trt_timing_cache_path"] = EngineCacheFolder(modelPath),
    };

    /// <summary>The name <c>execution_providers</c> uses.</summary>
    public static string Name(ExecutionProvider provider) => provider.ToString().ToLowerInvariant();

    private static void Append(SessionOptions options, ExecutionProvider provider, int deviceId, string modelPath)
    {
        switch (provider)
        {
            case ExecutionProvider.Cuda:
                {
                    using var cuda = new OrtCUDAProviderOptions();
                    cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    options.AppendExecutionProvider_CUDA(cuda);
                    break;
                }
            case ExecutionProvider.Tensorrt:
                {
                    Directory.CreateDirectory(EngineCacheFolder(modelPath));
                    using var tensorRT = new OrtTensorRTProviderOptions();
                    tensorRT.UpdateOptions(new Dictionary<string, string>(TensorRTOptions(modelPath, deviceId)));
                    options.AppendExecutionProvider_Tensorrt(tensorRT);
                    break;
                }
        }
    }

    // ONNX Runtime says only that the provider's library did not load; the dynamic loader says which library it lacks.
    private static string? MissingLibrary(ExecutionProvider provider)
    {
        var library = new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native") }
            .Select(dir => Path.Combine(dir, Libraries[provider])).FirstOrDefault(File.Exists);
        if (library is null) return $"{Libraries[provider]} is not beside the program";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return null;
        }
        catch (DllNotFoundException e)
        {
            var missing = MissingSharedObject().Match(e.Message);
            return missing.Success
                ? $"the library {missing.Groups[1].Value} is not installed or not on LD_LIBRARY_PATH (ONNX Runtime 1.32's GPU providers need CUDA 13 and cuDNN 9; TensorRT also needs TensorRT 10)"
                : e.Message;
        }
    }

    [GeneratedRegex(@"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file")]
    private static partial Regex MissingSharedObject();
}
