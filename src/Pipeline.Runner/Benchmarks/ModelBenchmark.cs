using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Inference;

namespace Pipeline.Runner.Benchmarks;

/// <summary>Times a network's forward pass (and forward+backward) on one batch of windows, built from a config spec through the registry.</summary>
public static class ModelBenchmark
{
    /// <summary>What to measure.</summary>
    /// <param name="Model">Config name of the model.</param>
    /// <param name="Args">Model args as a config would give them.</param>
    /// <param name="InChannels">Input channels.</param>
    /// <param name="Size">Spatial window size.</param>
    /// <param name="Batch">Windows per forward pass.</param>
    /// <param name="Precision">fp32 or bf16 (module and input cast, as there is no autocast).</param>
    /// <param name="Repeats">Timed repetitions after one warm-up.</param>
    public sealed record Options(string Model, JsonObject Args, int InChannels, long[] Size, int Batch, string Precision, int Repeats);

    /// <summary>Runs the measurement and prints it.</summary>
    public static void Run(Options options, TextWriter output)
    {
        var dtype = options.Precision switch
        {
            "fp32" => ScalarType.Float32,
            "bf16" => ScalarType.BFloat16,
            _ => throw new ConfigException("", "--precision", $"'{options.Precision}' is not a precision; accepted: fp32, bf16"),
        };
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        var problems = new ConfigProblems();
        var spec = new ComponentSpec { Kind = ComponentKind.Model, Name = options.Model, Args = options.Args, File = "(bench)", JsonPath = "model" };
        var created = services.GetRequiredService<ComponentFactory>().Create(spec, problems);
        problems.ThrowIfErrors();
        if (created is not nn.Module<Tensor, Tensor> module)
            throw new ConfigException("", "--model", $"{options.Model} is not a network");

        manual_seed(0);
        module.to(dtype);
        var shape = new long[] { options.Batch, options.InChannels }.Concat(options.Size).ToArray();
        using var input = randn(shape).to(dtype);

        module.eval();
        var forward = Time(options.Repeats, () =>
        {
            using var _ = inference_mode();
            using var scope = NewDisposeScope();
            module.call(input);
        });

        module.train();
        var forwardBackward = Time(options.Repeats, () =>
        {
            using var scope = NewDisposeScope();
            module.zero_grad();
            var loss = module.call(input).to(ScalarType.Float32).mean();
            loss.backward();
        });

        var parameters = module.parameters().Sum(p => p.numel());
        output.WriteLine($"{options.Model} {options.Args.ToJsonString()} ({parameters:N0} parameters), input [{string.Join("×", shape)}] {options.Precision}, torch threads {get_num_threads()}:");
        output.WriteLine($"  forward:            median {forward.Median:0.000} s, min {forward.Min:0.000} s  ({forward.Median / options.Batch:0.000} s per window)");
        output.WriteLine($"  forward + backward: median {forwardBackward.Median:0.000} s, min {forwardBackward.Min:0.000} s  ({forwardBackward.Median / options.Batch:0.000} s per window)");
        output.WriteLine($"  peak RSS: {ProcessMemory.PeakResidentBytes() / 1e6:0} MB");
        module.Dispose();
    }

    private static (double Median, double Min) Time(int repeats, Action step)
    {
        step(); // warm-up: first calls allocate and pick kernels
        var seconds = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            step();
            seconds.Add(watch.Elapsed.TotalSeconds);
        }
        seconds.Sort();
        return (seconds[seconds.Count / 2], seconds[0]);
    }
}
