using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Networks;
using Pipeline.Runner.Console;
using Pipeline.Training.Losses;
using Pipeline.Workflows.Training;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Inference;

namespace Pipeline.Runner.Benchmarks;

/// <summary>Times training steps (forward, loss, backward, optimizer step) the way <c>mmar train</c> runs them, in fp32 or with bf16 mixed precision.</summary>
public static class TrainBenchmark
{
    /// <summary>What to measure.</summary>
    /// <param name="Model">Config name of the model.</param>
    /// <param name="Args">Model args as a config would give them.</param>
    /// <param name="InChannels">Input channels.</param>
    /// <param name="Size">Crop size.</param>
    /// <param name="Batch">Crops per step.</param>
    /// <param name="Amp">bf16 compute with float32 master weights (<c>use_amp</c>).</param>
    /// <param name="Replicas">Data-parallel CPU replicas (1 = none).</param>
    /// <param name="Steps">Timed steps after two warm-up steps.</param>
    public sealed record Options(string Model, JsonObject Args, int InChannels, long[] Size, int Batch, bool Amp, int Replicas, int Steps);

    /// <summary><c>mmar bench train</c>.</summary>
    public static Command CreateCommand()
    {
        var network = new BenchNetworkOptions();
        var size = new Option<int>("--size") { Description = "Crop edge (cubic crops).", DefaultValueFactory = _ => 96 };
        var batch = new Option<int>("--batch") { Description = "Crops per step.", DefaultValueFactory = _ => 2 };
        var precision = new Option<string>("--precision") { Description = "fp32, or bf16 for use_amp (bf16 compute, float32 master weights).", DefaultValueFactory = _ => "fp32" };
        precision.AcceptOnlyFromAmong("fp32", "bf16");
        var replicas = new Option<int>("--replicas") { Description = "Data-parallel CPU replicas sharing the batch (1 = the network trains itself).", DefaultValueFactory = _ => 1 };
        var steps = new Option<int>("--steps") { Description = "Timed steps after two warm-up steps.", DefaultValueFactory = _ => 5 };
        var command = new Command("train", "Time training steps (DiceCE loss, Adam) on random crops, as mmar train runs them.");
        network.AddTo(command);
        foreach (var option in new Option[] { size, batch, precision, replicas, steps }) command.Add(option);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            if (parse.GetValue(size) < 1 || parse.GetValue(batch) < 1 || parse.GetValue(replicas) < 1 || parse.GetValue(steps) < 1)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: --size, --batch, --replicas and --steps must be positive");
                return ExitCodes.ConfigError;
            }
            var edge = (long)parse.GetValue(size);
            Run(new Options(parse.GetValue(network.Model)!, network.ModelArgs(parse), parse.GetValue(network.InChannels), [edge, edge, edge], parse.GetValue(batch),
                parse.GetValue(precision) == "bf16", parse.GetValue(replicas), parse.GetValue(steps)), parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Runs the measurement and prints it.</summary>
    public static void Run(Options options, TextWriter output)
    {
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        var factory = services.GetRequiredService<NetworkFactory>();
        var spec = new NetworkSpec(options.Model, options.Args);
        nn.Module<Tensor, Tensor> Build()
        {
            var module = factory.Create(spec, "(bench)", "model");
            if (module is IFixedShapeNetwork fixedShape) fixedShape.RecordInputShape([.. options.Size.Select(s => (int)s)]);
            return module;
        }

        manual_seed(0);
        using var network = Build();
        network.train();
        var devices = options.Replicas > 1 ? Enumerable.Repeat(CPU, options.Replicas).ToArray() : [];
        using var replicas = new TrainingReplicas(network, Build, devices, options.Amp ? ScalarType.BFloat16 : ScalarType.Float32);
        using var optimizer = optim.Adam(network.parameters(), 1e-4);
        var loss = new CrossEntropyDiceLoss(skipBackground: true);
        var shape = new long[] { options.Batch, options.InChannels }.Concat(options.Size).ToArray();
        using var image = randn(shape);
        using var label = (image.select(1, 0).unsqueeze(1) > 0.5).to(ScalarType.Int64);

        var seconds = new List<double>();
        long rssAfterWarmUp = 0;
        for (var i = 0; i < options.Steps + 2; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            replicas.ComputeGradients(image, label, loss, []);
            optimizer.step();
            if (i >= 2) seconds.Add(watch.Elapsed.TotalSeconds);
            else rssAfterWarmUp = ProcessMemory.ResidentBytes();
        }
        seconds.Sort();
        var precision = options.Amp ? "bf16 mixed precision (float32 master weights)" : "fp32";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Model} {options.Args.ToJsonString()}, batch [{string.Join("×", shape)}], DiceCE + Adam, {precision}, " +
            $"{(options.Replicas > 1 ? $"{options.Replicas} CPU replicas" : "no replicas")}, torch threads {get_num_threads()}:"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step: median {seconds[seconds.Count / 2]:0.000} s, min {seconds[0]:0.000} s over {seconds.Count} steps"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  RSS after warm-up {rssAfterWarmUp / 1e6:0} MB, at the end {ProcessMemory.ResidentBytes() / 1e6:0} MB, peak {ProcessMemory.PeakResidentBytes() / 1e6:0} MB"));
    }
}
