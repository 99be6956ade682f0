using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Native;
using Pipeline.Networks;
using Pipeline.Runner.Console;
using Pipeline.Training.Losses;
using Pipeline.Training.Optimizers;
using Pipeline.Workflows.Distributed;
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
    /// <param name="Ranks">Data-parallel MPI ranks, each with its own batch (1 = one process).</param>
    public sealed record Options(string Model, JsonObject Args, int InChannels, long[] Size, int Batch, bool Amp, int Replicas, int Steps, int Ranks = 1);

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
        var ranks = new Option<int>("--ranks")
        {
            Description = "Data-parallel MPI ranks on this machine, each with --batch crops and an equal share of the cores; started through mpirun unless already under it.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("train", "Time training steps (DiceCE loss, Adam) on random crops, as mmar train runs them.");
        network.AddTo(command);
        foreach (var option in new Option[] { size, batch, precision, replicas, steps, ranks }) command.Add(option);
        command.SetAction(parse => UserErrors.Run(parse.InvocationConfiguration.Error, () =>
        {
            if (parse.GetValue(size) < 1 || parse.GetValue(batch) < 1 || parse.GetValue(replicas) < 1 || parse.GetValue(steps) < 1 || parse.GetValue(ranks) < 1)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: --size, --batch, --replicas, --steps and --ranks must be positive");
                return ExitCodes.ConfigError;
            }
            var edge = (long)parse.GetValue(size);
            var options = new Options(parse.GetValue(network.Model)!, network.ModelArgs(parse), parse.GetValue(network.InChannels), [edge, edge, edge], parse.GetValue(batch),
                parse.GetValue(precision) == "bf16", parse.GetValue(replicas), parse.GetValue(steps), parse.GetValue(ranks));
            if (options.Ranks > 1 && RankGroups.LaunchedRanks() == 1)
            {
                // The peer in the same run: one process on all the cores first, then the ranks on the same cores.
                var baseline = Run(options with { Ranks = 1 }, parse.InvocationConfiguration.Output);
                return MpiLaunch.Relaunch(options.Ranks, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error,
                    new Dictionary<string, string> { [BaselineVariable] = baseline.ToString("R", CultureInfo.InvariantCulture) });
            }
            Run(options, parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        }));
        return command;
    }

    // The one-process throughput measured before the ranks were started, handed to them through their environment.
    private const string BaselineVariable = "MMAR_BENCH_ONE_PROCESS_CROPS_PER_S";

    /// <summary>Runs the measurement and prints it; returns the throughput in crops per second over all ranks.</summary>
    public static double Run(Options options, TextWriter output)
    {
        using var group = options.Ranks > 1 ? RankGroups.Open(DistributedMode.Mpi, TimeSpan.FromMinutes(10)) : SingleProcess.Instance;
        if (group.Size != options.Ranks)
            throw new InvalidOperationException($"--ranks {options.Ranks} but mpirun started {group.Size} rank(s)");
        if (!group.IsRoot) output = TextWriter.Null;
        // Ranks on one machine share its cores.
        if (group.Size > 1) set_num_threads(Math.Max(1, Environment.ProcessorCount / LocalRanks(group.Size)));
        var sync = new DataParallelSync(group);
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
        using var optimizer = new Adam(network.parameters(), 1e-4);
        var loss = new CrossEntropyDiceLoss(skipBackground: true);
        var shape = new long[] { options.Batch, options.InChannels }.Concat(options.Size).ToArray();
        using var image = randn(shape);
        using var label = image.select(1, 0).unsqueeze(1).GreaterThan(0.5).to(ScalarType.Int64);

        var parameters = network.parameters().ToList();
        var gradientBytes = parameters.Sum(p => p.numel()) * 4;
        var seconds = new List<double>();
        var exchange = new List<double>();
        long rssAfterWarmUp = 0;
        for (var i = 0; i < options.Steps + 2; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            replicas.ComputeGradients(image, label, loss, []);
            // The exchange is timed from the moment every rank has its gradients, so waiting for a slower rank is not counted as transfer.
            sync.Any(false, $"the end of bench step {i + 1}'s backward pass");
            var computed = watch.Elapsed.TotalSeconds;
            sync.AverageGradients(parameters, 1.0 / group.Size, $"the gradients of bench step {i + 1}");
            var exchanged = watch.Elapsed.TotalSeconds - computed;
            optimizer.step();
            // A step ends for all when the slowest rank ends it.
            var step = new[] { watch.Elapsed.TotalSeconds, exchanged };
            if (group.Size > 1)
            {
                var all = group.AllGather(BitConverter.GetBytes(step[0]), $"the times of bench step {i + 1}");
                step[0] = all.Max(b => BitConverter.ToDouble(b));
            }
            if (i >= 2)
            {
                seconds.Add(step[0]);
                exchange.Add(step[1]);
            }
            else rssAfterWarmUp = ProcessMemory.ResidentBytes();
        }
        seconds.Sort();
        exchange.Sort();
        var precision = options.Amp ? "bf16 mixed precision (float32 master weights)" : "fp32";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Model} {options.Args.ToJsonString()}, batch [{string.Join("×", shape)}], DiceCE + Adam, {precision}, " +
            $"{(options.Replicas > 1 ? $"{options.Replicas} CPU replicas" : "no replicas")}, {(group.Size > 1 ? $"{group.Size} MPI ranks, " : "")}torch threads {get_num_threads()}:"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step: median {seconds[seconds.Count / 2]:0.000} s, min {seconds[0]:0.000} s over {seconds.Count} steps"));
        var throughput = group.Size * options.Batch / seconds[seconds.Count / 2];
        if (group.Size > 1)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  gradient allreduce: {gradientBytes / 1e6:0.00} MB per step, median {exchange[exchange.Count / 2]:0.000} s on rank 0; " +
                $"{throughput:0.00} crops/s over the {group.Size} ranks"));
            if (double.TryParse(Environment.GetEnvironmentVariable(BaselineVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var baseline) && baseline > 0)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  scaling efficiency on these cores: {throughput / baseline * 100:0}% of one process's {baseline:0.00} crops/s"));
        }
        else
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {gradientBytes / 1e6:0.00} MB of gradients per step; {options.Batch / seconds[seconds.Count / 2]:0.00} crops/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  RSS after warm-up {rssAfterWarmUp / 1e6:0} MB, at the end {ProcessMemory.ResidentBytes() / 1e6:0} MB, peak {ProcessMemory.PeakResidentBytes() / 1e6:0} MB"));
        return throughput;
    }

    private static int LocalRanks(int ranks) =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), NumberStyles.None, CultureInfo.InvariantCulture, out var local) && local > 0 ? local : ranks;
}
