using Pipeline.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>Turns Clara's <c>use_amp</c> and <c>multi_gpu</c> into a compute type and replica devices for this machine.</summary>
public static class TrainingDevices
{
    /// <summary>float32 without AMP; with AMP bfloat16 on CPU (float32's range, no loss scaling) and float16 with dynamic loss scaling on CUDA.</summary>
    public static ScalarType ComputeType(bool useAmp) =>
        !useAmp ? ScalarType.Float32 : cuda.is_available() ? ScalarType.Float16 : ScalarType.BFloat16;

    /// <summary>
    /// Replica devices: every CUDA device for <c>multi_gpu</c>, else the first CUDA device when there is one, else none (the CPU
    /// master trains itself). Like Clara launched with fewer workers than the config was written for, <c>multi_gpu</c> on a
    /// machine with fewer than two CUDA devices trains on what is present, with a warning naming it.
    /// </summary>
    public static IReadOnlyList<Device> Replicas(bool multiGpu, string configFile, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var count = cuda.is_available() ? cuda.device_count() : 0;
        if (multiGpu && count >= 2) return [.. Enumerable.Range(0, count).Select(i => new Device(DeviceType.CUDA, i))];
        if (multiGpu)
            problems.Warning(configFile, "multi_gpu",
                $"multi_gpu is true but this machine has {count} CUDA device(s); training runs as one worker on {(count == 1 ? "cuda:0" : "the CPU")}");
        return count > 0 ? [new Device(DeviceType.CUDA, 0)] : [];
    }

    /// <summary>One phrase for the run's banner, e.g. "bf16 mixed precision on cpu".</summary>
    public static string Describe(ScalarType computeType, IReadOnlyList<Device> devices)
    {
        var precision = computeType switch
        {
            ScalarType.BFloat16 => "bf16 mixed precision (float32 master weights)",
            ScalarType.Float16 => "fp16 mixed precision with loss scaling",
            _ => "fp32",
        };
        var where = devices.Count == 0 ? "cpu" : string.Join(" + ", devices.Select(d => d.ToString()));
        return $"{precision} on {where}";
    }
}
