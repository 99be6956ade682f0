using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Runner.Console;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Inference;

namespace Pipeline.Runner.Benchmarks;

/// <summary>Times sliding-window inference of one synthetic image: total time, time inside the network, and peak memory.</summary>
public static class InferBenchmark
{
    /// <summary>What to measure.</summary>
    /// <param name="Model">Config name of the model.</param>
    /// <param name="Args">Model args as a config would give them.</param>
    /// <param name="InChannels">Input channels.</param>
    /// <param name="Size">Spatial image size.</param>
    /// <param name="Roi">Window size per axis.</param>
    /// <param name="Overlap">Window overlap fraction.</param>
    /// <param name="Mode">constant or gaussian blending.</param>
    /// <param name="Batch">Windows per forward pass.</param>
    /// <param name="Precision">fp32 or bf16.</param>
    /// <param name="Output">probabilities or foreground_probability.</param>
    /// <param name="Devices">The inferer's <c>devices</c>, e.g. cpu,cpu for two CPU workers.</param>
    /// <param name="Backends">What runs the network, in turn on the same image: torch (our modules) and/or onnxruntime (the exported model).</param>
    /// <param name="ExecutionProvider">The ONNX Runtime provider for the onnxruntime backend.</param>
    public sealed record Options(string Model, JsonObject Args, int InChannels, long[] Size, int[] Roi, double Overlap, string Mode,
        int Batch, string Precision, string Output, string[]? Devices = null, string[]? Backends = null,
        Onnx.ExecutionProvider ExecutionProvider = Onnx.ExecutionProvider.Cpu);

    private static readonly string[] KnownBackends = ["torch", "onnxruntime"];

    /// <summary><c>mmar bench infer</c>.</summary>
    public static Command CreateCommand()
    {
        var network = new BenchNetworkOptions();
        var size = new Option<string>("--size") { Description = "Image size, e.g. 224,224,160.", DefaultValueFactory = _ => "224,224,160" };
        var roi = new Option<string>("--roi") { Description = "Window size: one number for every axis or one per axis.", DefaultValueFactory = _ => "96" };
        var overlap = new Option<double>("--overlap") { Description = "Window overlap fraction in [0, 1).", DefaultValueFactory = _ => 0.25 };
        var mode = new Option<string>("--mode") { Description = "constant or gaussian blending.", DefaultValueFactory = _ => "constant" };
        mode.AcceptOnlyFromAmong("constant", "gaussian");
        var batch = new Option<int>("--batch") { Description = "Windows per forward pass.", DefaultValueFactory = _ => 1 };
        var precision = new Option<string>("--precision") { Description = "fp32 or bf16.", DefaultValueFactory = _ => "fp32" };
        precision.AcceptOnlyFromAmong("fp32", "bf16");
        var output = new Option<string>("--output") { Description = "probabilities or foreground_probability.", DefaultValueFactory = _ => "probabilities" };
        output.AcceptOnlyFromAmong("probabilities", "foreground_probability");
        var backend = new Option<string>("--backend") { Description = "torch, onnxruntime, or both comma-separated (each runs the same image in turn).", DefaultValueFactory = _ => "torch" };
        var devices = new Option<string>("--devices") { Description = "Where windows run, comma-separated: cpu (default), cpu,cpu for two CPU workers sharing the threads, or cuda:0.", DefaultValueFactory = _ => "cpu" };
        var provider = new Option<Onnx.ExecutionProvider>("--execution-provider")
        {
            Description = "The ONNX Runtime provider of the onnxruntime backend: cpu, cuda or tensorrt (the last two in the -p:OnnxRuntimeGpu=true build).",
            DefaultValueFactory = _ => Onnx.ExecutionProvider.Cpu,
        };
        var command = new Command("infer", "Time sliding-window inference (ScanWindowInferer) of one synthetic image.");
        network.AddTo(command);
        foreach (var option in new Option[] { size, roi, overlap, mode, batch, precision, output, devices, backend, provider }) command.Add(option);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            var error = parse.InvocationConfiguration.Error;
            var dims = ParsePositive(parse.GetValue(size)!);
            var window = ParsePositive(parse.GetValue(roi)!);
            if (dims is not { Length: 3 } || window is not { Length: 1 or 3 })
            {
                error.WriteLine("error: --size must be three positive integers and --roi one or three");
                return ExitCodes.ConfigError;
            }
            var backends = parse.GetValue(backend)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (backends.Length == 0 || backends.Any(b => !KnownBackends.Contains(b)))
            {
                error.WriteLine($"error: --backend '{parse.GetValue(backend)}': accepted {string.Join(", ", KnownBackends)}, or both comma-separated");
                return ExitCodes.ConfigError;
            }
            Run(new Options(parse.GetValue(network.Model)!, network.ModelArgs(parse), parse.GetValue(network.InChannels), [.. dims.Select(d => (long)d)],
                window.Length == 1 ? [window[0], window[0], window[0]] : window, parse.GetValue(overlap), parse.GetValue(mode)!,
                parse.GetValue(batch), parse.GetValue(precision)!, parse.GetValue(output)!,
                parse.GetValue(devices)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), backends, parse.GetValue(provider)),
                parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Runs the measurement and prints it.</summary>
    public static void Run(Options options, TextWriter output)
    {
        ScanWindowInferer inferer;
        try
        {
            inferer = new ScanWindowInferer(options.Roi, options.Batch, options.Overlap, options.Mode, precision: options.Precision, output: options.Output,
                devices: options.Devices);
        }
        catch (ConfigArgException e)
        {
            throw new ConfigException("", $"--{e.Arg.Replace('_', '-')}", e.Message);
        }
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        // The inferer needs the network's input contract, which NetworkFactory guarantees.
        var spec = new NetworkSpec(options.Model, options.Args);
        using var module = services.GetRequiredService<NetworkFactory>().Create(spec, "(bench)", "model");
        module.eval();
        // Inference only: a frozen network may be cast to bf16 by the inferer.
        foreach (var parameter in module.parameters()) parameter.requires_grad = false;
        manual_seed(0);
        using var input = randn([1, options.InChannels, .. options.Size]);
        foreach (var backend in options.Backends ?? ["torch"])
        {
            if (backend == "torch")
            {
                Measure(options, inferer, input, module, "torch", output);
                continue;
            }
            // The exported model of the same weights; a fixed-shape network is exported at the window size.
            var folder = Directory.CreateTempSubdirectory("mmar-bench-onnx-").FullName;
            try
            {
                var contract = ((INetwork)module).InputContract;
                var model = Onnx.OnnxExporter.Export(module, spec, contract, new Onnx.OnnxExportOptions(SpatialShape: options.Roi));
                var path = Path.Combine(folder, "model.onnx");
                Onnx.OnnxExporter.Write(model, new IO.OutputFolder(folder, "bench"), path);
                using var runtime = new Onnx.OnnxRuntimeNetwork(Onnx.OnnxSessions.Open(path, [options.ExecutionProvider], threads: get_num_threads()), contract);
                Measure(options, inferer, input, runtime,
                    $"onnxruntime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}, {Onnx.OnnxSessions.Name(options.ExecutionProvider)} provider", output);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static void Measure(Options options, ScanWindowInferer inferer, Tensor input, nn.Module<Tensor, Tensor> module, string backend, TextWriter output)
    {
        // Not disposed: the wrapper owns nothing, and the module is measured again by the next backend.
        var network = new TimedNetwork(module);
        var windows = SlidingWindowGrid.WindowStarts(options.Size.Select(s => (int)s).ToArray(), options.Roi, options.Overlap).Count;

        // Warm-up: one window batch, so first-call kernel selection and allocation are not timed.
        using (var warmInput = randn([options.Batch, options.InChannels, .. options.Roi.Select(r => (long)r)]))
        {
            try
            {
                new ScanWindowInferer(options.Roi, options.Batch, precision: options.Precision, devices: options.Devices).Infer(warmInput, network).Dispose();
            }
            catch (ArgumentException e) when (e.Message.StartsWith("roi_size", StringComparison.Ordinal))
            {
                throw new ConfigException("", "--roi", e.Message);
            }
        }

        network.Reset();
        GC.Collect();
        ProcessMemory.ResetPeak();
        var watch = Stopwatch.StartNew();
        using (var result = inferer.Infer(input, network))
            watch.Stop();
        var total = watch.Elapsed.TotalSeconds;
        var peak = ProcessMemory.PeakResidentBytes();

        output.WriteLine($"[{backend}] {options.Model} {options.Args.ToJsonString()}, image [{string.Join("×", options.Size)}], roi [{string.Join("×", options.Roi)}], " +
                         $"overlap {options.Overlap}, {options.Mode}, batch {options.Batch}, {options.Precision}, {options.Output}, devices {string.Join(",", inferer.Devices)}, torch threads {get_num_threads()}:");
        if (inferer.Devices.Count > 1)
            output.WriteLine("  (several workers: network forward adds up every worker's time, so the overhead ratio is not meaningful)");
        output.WriteLine($"  windows: {windows} in {network.Calls} forward calls");
        output.WriteLine($"  total: {total:0.000} s, network forward: {network.Seconds:0.000} s, overhead ratio (total/forward): {total / network.Seconds:0.000}");
        output.WriteLine($"  windows per second: {windows / total:0.00}");
        output.WriteLine($"  peak RSS: {peak / 1e6:0} MB");
    }

    private static int[]? ParsePositive(string text) => PositiveSizes.TryParse(text, out var values) ? values : null;

    /// <summary>Forwards to the measured network and adds up the wall time spent in its forward calls.</summary>
    private sealed class TimedNetwork : nn.Module<Tensor, Tensor>, INetwork
    {
        private readonly nn.Module<Tensor, Tensor> _inner;

        public TimedNetwork(nn.Module<Tensor, Tensor> inner) : base(nameof(TimedNetwork))
        {
            _inner = inner;
            register_module("inner", inner);
        }

        public double Seconds { get; private set; }

        public int Calls { get; private set; }

        public InputContract InputContract => _inner is INetwork n
            ? n.InputContract
            : throw new InvalidOperationException("the measured network declares no input contract");

        public void Reset()
        {
            Seconds = 0;
            Calls = 0;
        }

        public override Tensor forward(Tensor x)
        {
            var watch = Stopwatch.StartNew();
            var y = _inner.call(x);
            // Several CPU workers call concurrently.
            lock (_inner)
            {
                Seconds += watch.Elapsed.TotalSeconds;
                Calls++;
            }
            return y;
        }

        protected override void RegisterComponents()
        {
            // Registered by hand in the constructor.
        }
    }
}
