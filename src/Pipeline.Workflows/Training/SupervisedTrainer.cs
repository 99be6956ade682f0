using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Training;
using Pipeline.Training.Optimizers;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>Clara's supervised training loop: epochs of batches through loss and optimizer, validation with the key metric, best and last checkpoints.</summary>
/// <remarks>
/// The best model (highest key metric) is written atomically as <c>model.ckpt</c>, the state after every validation as
/// <c>model_final.ckpt</c>; both carry the network spec and input contract. A NaN loss stops the run naming the epoch and
/// step, leaving the last good checkpoints untouched.
/// </remarks>
public sealed class SupervisedTrainer(TrainingSetup setup, TrainingSettings settings)
{
    /// <summary>The best checkpoint's file name.</summary>
    public const string BestCheckpoint = "model.ckpt";

    /// <summary>The last state's file name.</summary>
    public const string FinalCheckpoint = "model_final.ckpt";

    /// <summary>Runs every epoch; progress lines go to <paramref name="log"/>. Returns the best key metric and its epoch.</summary>
    public (double BestMetric, int BestEpoch) Run(TextWriter log, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var network = setup.Network;
        manual_seed(settings.Seed);
        using var optimizer = setup.Optimizer.Create(network.parameters(), settings.LearningRate);
        var keyMetric = setup.Metrics.FirstOrDefault(m => m.IsKeyMetric) ?? setup.Metrics.FirstOrDefault();
        var best = double.NegativeInfinity;
        var bestEpoch = -1;
        long step = 0;
        var stepsPerEpoch = 0;
        double? lastMetric = null;
        var validations = 0;
        Directory.CreateDirectory(settings.CheckpointDir);

        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            network.train();
            var rate = setup.LrPolicy?.LearningRate(new LrPolicyContext(settings.LearningRate, epoch, settings.Epochs, step, Math.Max(1, stepsPerEpoch), lastMetric, validations))
                       ?? settings.LearningRate;
            OptimizerLearningRate.Set(optimizer, rate);
            var watch = Stopwatch.StartNew();
            double lossSum = 0;
            var steps = 0;
            foreach (var batch in setup.TrainPipeline.Epoch(setup.TrainChain, setup.TrainBatchTransforms, epoch, settings.Seed, cancellation))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    var image = batch.Get("image", "training");
                    var label = batch.Get("label", "training");
                    optimizer.zero_grad();
                    var prediction = network.call(image);
                    var loss = setup.Loss.Compute(prediction, label);
                    if (network is IRegularizedNetwork { RegularizationWeight: > 0 } regularized) loss = loss + regularized.RegularizationLoss();
                    var value = loss.item<float>();
                    if (!float.IsFinite(value))
                        throw new TrainingDivergedException(
                            $"the training loss became {value} at epoch {epoch + 1}, step {steps + 1} (samples {string.Join(", ", batch.Samples.Select(s => s.Description))}; " +
                            $"non-finite values in the image: {!image.isfinite().all().item<bool>()}, in the network output: {!prediction.isfinite().all().item<bool>()}); " +
                            $"the last good checkpoints in {settings.CheckpointDir} are kept");
                    loss.backward();
                    optimizer.step();
                    lossSum += value;
                    steps++;
                    step++;
                }
            }
            stepsPerEpoch = steps;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{settings.Epochs}: loss {lossSum / Math.Max(1, steps):0.0000}, lr {rate:0.######}, {steps} steps in {watch.Elapsed.TotalSeconds:0.0} s");

            var validate = setup.ValidationPipeline is not null && setup.Inferer is not null && keyMetric is not null &&
                           ((epoch + 1) % Math.Max(1, settings.EpochsPerValidation) == 0 || epoch + 1 == settings.Epochs);
            if (validate)
            {
                var results = Validate(epoch, cancellation);
                validations++;
                lastMetric = results[keyMetric!.Name];
                line += ", " + string.Join(", ", results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key} {r.Value:0.0000}")));
                if (lastMetric > best || bestEpoch < 0)
                {
                    best = lastMetric.Value;
                    bestEpoch = epoch + 1;
                    Save(BestCheckpoint, epoch, best, bestEpoch, step);
                }
                Save(FinalCheckpoint, epoch, best, bestEpoch, step);
                line += string.Create(CultureInfo.InvariantCulture, $" (best {keyMetric.Name} {best:0.0000} at epoch {bestEpoch})");
            }
            log.WriteLine(line);
        }
        if (bestEpoch < 0) Save(BestCheckpoint, settings.Epochs - 1, double.NaN, -1, step);
        return (best, bestEpoch);
    }

    private Dictionary<string, double> Validate(int epoch, CancellationToken cancellation)
    {
        var network = setup.Network;
        network.eval();
        foreach (var metric in setup.Metrics) metric.Reset();
        using (no_grad())
        {
            foreach (var batch in setup.ValidationPipeline!.Epoch(setup.ValidationChain!, [], 0, settings.Seed, cancellation))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    var prediction = setup.Inferer!.Infer(batch.Get("image", "validation"), network);
                    var fields = new Dictionary<string, Tensor> { ["model"] = prediction, ["label"] = batch.Get("label", "validation") };
                    var ids = batch.Samples.Select(s => s.Description).ToList();
                    foreach (var metric in setup.Metrics) metric.Update(fields, ids);
                }
            }
        }
        network.train();
        return setup.Metrics.ToDictionary(m => m.Name, m => m.Aggregate().Value);
    }

    private void Save(string file, int epoch, double best, int bestEpoch, long step)
    {
        var state = new JsonObject
        {
            ["epoch"] = epoch + 1,
            ["step"] = step,
            ["best_metric"] = double.IsFinite(best) ? best : null,
            ["best_epoch"] = bestEpoch,
        };
        using var checkpoint = Checkpoint.Capture(setup.Network, setup.NetworkSpec, state);
        CheckpointFile.Write(Path.Combine(settings.CheckpointDir, file), checkpoint);
    }
}
