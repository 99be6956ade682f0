using System.Diagnostics;
using Pipeline.Data;
using Pipeline.IO;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Training;
using Pipeline.Training.Optimizers;
using static TorchSharp.torch;
using Pipeline.Native;
using Pipeline.Workflows.Distributed;

namespace Pipeline.Workflows.Training;

/// <summary>Clara's supervised training loop: epochs of batches through loss and optimizer, validation with the key metric, best and resumable checkpoints.</summary>
/// <remarks>
/// The best model (highest key metric) is written atomically as <c>model.ckpt</c>, and only when a validation improves
/// on the run's best (a NaN never does); a fresh run that replaces a <c>model.ckpt</c> left by an earlier run first keeps
/// that one as <c>model_previous.ckpt</c>, and a run that never validates leaves an existing <c>model.ckpt</c> alone
/// (the final weights are in <c>model_final.ckpt</c>). After every completed epoch the whole state
/// (weights, optimizer, learning-rate policy, RNG, position) is written atomically as <c>model_final.ckpt</c>, which
/// <c>--resume</c> continues from, so an interrupted run loses at most the epoch in progress. A NaN loss stops the run
/// naming the epoch, step and samples, leaving the last good checkpoints untouched.
/// <para>
/// With several data-parallel ranks (<see cref="DataParallelSync"/>) every rank runs this loop on its share of each
/// global batch and of the validation images; gradients, losses and metrics are reduced over the ranks, so every rank
/// holds the same weights, and rank 0 alone writes checkpoints and reports to the handlers.
/// </para>
/// </remarks>
public sealed class SupervisedTrainer(TrainingSetup setup, TrainingSettings settings, DataParallelSync? sync = null)
{
    /// <summary>The best checkpoint's file name.</summary>
    public const string BestCheckpoint = "model.ckpt";

    /// <summary>The last state's file name.</summary>
    public const string FinalCheckpoint = "model_final.ckpt";

    /// <summary>Where a fresh run keeps the best model an earlier run left, before its own first best replaces it.</summary>
    public const string PreviousCheckpoint = "model_previous.ckpt";

    private readonly OutputFolder _folder = new(settings.CheckpointDir, "MMAR_CKPT_DIR");
    private readonly DataParallelSync _sync = sync ?? new DataParallelSync(SingleProcess.Instance);
    private int _step;

    private IRankGroup Ranks => _sync.Ranks;

    // Only rank 0 reports; the others' handlers would print, log and write TensorBoard events a second time.
    private IReadOnlyList<ITrainingHandler> Handlers => Ranks.IsRoot ? setup.Handlers : [];

    /// <summary>What became of <c>model.ckpt</c> in the last <see cref="Run"/>.</summary>
    public BestModelOutcome BestModel { get; private set; } = BestModelOutcome.Unchanged;

    /// <summary>Runs every (remaining) epoch, reporting to the setup's handlers. Returns the best key metric and its epoch.</summary>
    public (double BestMetric, int BestEpoch) Run(CancellationToken cancellation = default)
    {
        var network = setup.Network;
        if (Ranks.IsRoot)
        {
            _folder.CreateFolder(settings.CheckpointDir);
            RemoveTempFilesOfKilledWrites();
        }
        manual_seed(settings.Seed);
        if (settings.InitialCheckpoint is { } initial && !settings.Resume) LoadWeights(initial);
        using var optimizer = setup.Optimizer.Create(network.parameters(), settings.LearningRate);
        var progress = settings.Resume ? RestoreFinalState(optimizer) : new TrainingProgress();
        // Every rank starts from rank 0's weights (as Horovod's broadcast_parameters), whatever it built or loaded.
        _sync.BroadcastState(network, "the initial weights");
        var trainPipeline = setup.TrainPipeline.ForRank(Ranks.Rank, Ranks.Size);
        var validationPipeline = setup.ValidationPipeline?.ForRank(Ranks.Rank, Ranks.Size);
        using var replicas = new TrainingReplicas(network, setup.CreateReplica, settings.Devices, settings.ComputeType);
        var scaler = settings.ComputeType == ScalarType.Float16 ? new DynamicLossScaler() : null;
        if (scaler is not null && settings.Resume) scaler.Restore(progress.LossScale, progress.LossScaleGoodSteps);
        var keyMetric = setup.Metrics.FirstOrDefault(m => m.IsKeyMetric) ?? setup.Metrics.FirstOrDefault();

        var run = new TrainingRunInfo(settings.Epochs, progress.EpochsDone, progress.Step, progress.StepsPerEpoch, settings.CheckpointDir, settings.SummaryInterval);
        foreach (var handler in Handlers) handler.RunStarted(run);
        EpochRecord? last = null;
        for (var epoch = progress.EpochsDone; epoch < settings.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            network.train();
            var rate = setup.LrPolicy?.LearningRate(new LrPolicyContext(settings.LearningRate, epoch, settings.Epochs, progress.Step,
                           Math.Max(1, progress.StepsPerEpoch), progress.LastMetric, progress.Validations)) ?? settings.LearningRate;
            OptimizerLearningRate.Set(optimizer, rate);
            var trained = Guard(epoch, "training", () => TrainEpoch(trainPipeline, epoch, rate, progress, optimizer, replicas, scaler, cancellation));
            progress = progress with
            {
                EpochsDone = epoch + 1, Step = progress.Step + trained.Steps, StepsPerEpoch = trained.Steps,
                LossScale = scaler?.Scale ?? 1, LossScaleGoodSteps = scaler?.GoodSteps ?? 0,
            };

            Dictionary<string, double>? results = null;
            var validationSeconds = 0.0;
            var validate = setup.ValidationPipeline is not null && setup.Inferer is not null && keyMetric is not null &&
                           ((epoch + 1) % Math.Max(1, settings.EpochsPerValidation) == 0 || epoch + 1 == settings.Epochs);
            if (validate)
            {
                var watch = Stopwatch.StartNew();
                results = Guard(epoch, "validation", () => Validate(validationPipeline!, epoch, cancellation));
                validationSeconds = watch.Elapsed.TotalSeconds;
                var value = results[keyMetric!.Name];
                progress = progress with { Validations = progress.Validations + 1, LastMetric = value };
                if (Improves(value, progress))
                {
                    progress = progress with { BestMetric = value, BestEpoch = epoch + 1 };
                    SaveBest(progress);
                }
            }
            Guard(epoch, "synchronisation", () =>
            {
                _sync.CheckIdentical(network, $"epoch {epoch + 1}");
                return true;
            });
            SaveFinal(progress, optimizer);

            last = new EpochRecord(epoch, settings.Epochs, progress.Step, trained.Steps, trained.MeanLoss, rate, trained.Seconds, trained.WaitedFraction,
                trained.AuxMeans, results, keyMetric?.Name, progress.BestMetric, progress.BestEpoch, validationSeconds);
            foreach (var handler in Handlers) handler.EpochCompleted(last);
        }
        // Weights no validation judged never replace a model one did; they only fill a missing model.ckpt, so that a
        // config without validation still leaves something validate and infer can load.
        if (progress.BestEpoch < 0 && Ranks.IsRoot && !File.Exists(Path.Combine(settings.CheckpointDir, BestCheckpoint)))
        {
            SaveBest(progress);
            BestModel = BestModelOutcome.Unvalidated;
        }
        foreach (var handler in Handlers) handler.RunCompleted(run, last);
        return (progress.BestMetric, progress.BestEpoch);
    }

    // A failure inside an epoch (an unreadable image, a transform that cannot apply, a native error) ends the run naming the epoch
    // and phase; the checkpoints of the last completed epoch stay as they are.
    private T Guard<T>(int epoch, string phase, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is not (OperationCanceledException or TrainingFailedException))
        {
            // The other ranks wait in a collective this rank will not join: the group must end them all.
            Ranks.Fail();
            var where = Ranks.Size > 1 ? $"rank {Ranks.Rank} of {Ranks.Size}, " : "";
            var failure = e as TrainingDivergedException ?? (Exception)new TrainingFailedException(
                $"training stopped in epoch {epoch + 1} ({where}{phase}{(phase == "training" ? $", step {_step}" : "")}): {NativeErrorText.Of(e)}; " +
                $"the checkpoints of the last completed epoch in {settings.CheckpointDir} are kept", e);
            foreach (var handler in Handlers) handler.RunFailed(failure.Message);
            throw failure;
        }
    }

    private EpochOutcome TrainEpoch(IImagePipeline pipeline, int epoch, double rate, TrainingProgress progress, optim.Optimizer optimizer, TrainingReplicas replicas,
        DynamicLossScaler? scaler, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        double lossSum = 0, waited = 0;
        var auxSums = new Dictionary<string, (double Sum, int Count)>();
        var steps = 0;
        using var batches = pipeline.Epoch(setup.TrainChain, setup.TrainBatchTransforms, epoch, settings.Seed, cancellation).GetEnumerator();
        var tags = setup.AuxOps.SelectMany(op => op.Tags).Distinct().ToList();
        var parameters = setup.Network.parameters().ToList();
        // Every rank's share of a global batch is the same size (the plan pads the last one), so each weighs 1/ranks.
        var share = 1.0 / Ranks.Size;
        while (true)
        {
            _step = steps + 1;
            var stepStart = watch.Elapsed;
            if (!batches.MoveNext()) break;
            var wait = (watch.Elapsed - stepStart).TotalSeconds;
            waited += wait;
            using var batch = batches.Current;
            using var scope = NewDisposeScope();
            var image = batch.Get("image", "training");
            var label = batch.Get("label", "training");
            var outcome = replicas.ComputeGradients(image, label, setup.Loss, setup.AuxOps, scaler?.Scale ?? 1);
            if (Ranks.Size > 1)
            {
                var what = $"the gradients of epoch {epoch + 1}, step {steps + 1}";
                _sync.AverageGradients(parameters, share, what);
                outcome = _sync.Combine(outcome, share, tags, $"the losses of epoch {epoch + 1}, step {steps + 1}");
            }
            var lossValue = outcome.Loss;
            if (double.IsFinite(lossValue) && setup.Network is IRegularizedNetwork { RegularizationWeight: > 0 } regularized)
            {
                var penalty = regularized.RegularizationLoss();
                penalty.backward();
                lossValue += penalty.item<float>();
            }
            var step = true;
            if (scaler is not null)
            {
                var finite = double.IsFinite(lossValue) && setup.Network.parameters().All(p => p.grad is null || p.grad.isfinite().all().item<bool>());
                if (!finite && scaler.Scale > 1)
                {
                    scaler.Update(false);
                    step = false;
                }
                else if (finite) scaler.Update(true);
            }
            if (step && !double.IsFinite(lossValue))
                throw new TrainingDivergedException(
                    $"the training loss became {lossValue} at epoch {epoch + 1}, step {steps + 1} (samples {string.Join(", ", batch.Samples.Select(s => s.Description))}; " +
                    $"non-finite values in the image: {!outcome.InputFinite}, in the network output: {!outcome.PredictionFinite}); " +
                    $"the last good checkpoints in {settings.CheckpointDir} are kept");
            if (step) optimizer.step();
            if (Ranks.Size > 1) _sync.BroadcastBuffers(setup.Network, $"the buffers of epoch {epoch + 1}, step {steps + 1}");
            steps++;
            if (step) lossSum += lossValue;
            // A tag can be undefined for a step (e.g. Dice over empty labels is NaN); the epoch mean skips those steps.
            foreach (var (tag, value) in outcome.AuxValues)
            {
                var (sum, count) = auxSums.GetValueOrDefault(tag);
                auxSums[tag] = double.IsNaN(value) ? (sum, count) : (sum + value, count + 1);
            }
            var record = new IterationRecord(epoch, steps, progress.StepsPerEpoch, progress.Step + steps, lossValue, rate,
                (watch.Elapsed - stepStart).TotalSeconds, wait, outcome.AuxValues);
            foreach (var handler in Handlers) handler.IterationCompleted(record);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        return new EpochOutcome(steps, lossSum / Math.Max(1, steps), seconds, seconds > 0 ? waited / seconds : 0,
            auxSums.ToDictionary(a => a.Key, a => a.Value.Count > 0 ? a.Value.Sum / a.Value.Count : double.NaN));
    }

    private Dictionary<string, double> Validate(IImagePipeline pipeline, int epoch, CancellationToken cancellation)
    {
        var network = setup.Network;
        network.eval();
        foreach (var metric in setup.Metrics) metric.Reset();
        using (no_grad())
        {
            foreach (var batch in pipeline.Epoch(setup.ValidationChain!, [], 0, settings.Seed, cancellation))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    var prediction = setup.Inferer!.Infer(batch.Get("image", "validation"), network);
                    var label = batch.Get("label", "validation");
                    var fields = new Dictionary<string, Tensor> { ["model"] = prediction, ["label"] = label };
                    // As in Clara, aux ops also run on the validation outputs (with the whole-image loss), so metrics can average their tags.
                    if (setup.AuxOps.Count > 0)
                    {
                        var loss = setup.Loss.Compute(prediction, label);
                        foreach (var op in setup.AuxOps)
                            foreach (var (tag, value) in op.Compute(prediction, label, loss))
                                fields[tag] = value;
                    }
                    var ids = batch.Samples.Select(s => s.Description).ToList();
                    foreach (var metric in setup.Metrics) metric.Update(fields, ids);
                }
            }
        }
        network.train();
        return DistributedMetrics.Reduce(setup.Metrics, Ranks, $"the validation metrics of epoch {epoch + 1}");
    }

    private void LoadWeights(string path)
    {
        using var checkpoint = CheckpointFile.Read(path);
        checkpoint.LoadInto(setup.Network);
    }

    private TrainingProgress RestoreFinalState(optim.Optimizer optimizer)
    {
        var path = Path.Combine(settings.CheckpointDir, FinalCheckpoint);
        if (!File.Exists(path))
            throw new ResumeException($"nothing to resume: {path} does not exist (a run writes it after its first epoch); start without --resume");
        using var checkpoint = CheckpointFile.Read(path);
        checkpoint.LoadInto(setup.Network);
        var progress = ResumableState.Restore(checkpoint, path, optimizer, setup.LrPolicy);
        if (progress.EpochsDone >= settings.Epochs)
            throw new ResumeException($"nothing to resume: {path} already holds all {progress.EpochsDone} epoch(s); raise 'epochs' to train further");
        return progress;
    }

    private static bool Improves(double value, TrainingProgress progress) =>
        !double.IsNaN(value) && (progress.BestEpoch < 0 || double.IsNaN(progress.BestMetric) || value > progress.BestMetric);

    private void SaveBest(TrainingProgress progress)
    {
        if (!Ranks.IsRoot) return;
        using var checkpoint = Checkpoint.Capture(setup.Network, setup.NetworkSpec, progress.ToJson());
        var best = Path.Combine(settings.CheckpointDir, BestCheckpoint);
        // A fresh run's first best would replace a model an earlier run validated; that one is kept, not destroyed.
        if (BestModel == BestModelOutcome.Unchanged)
        {
            var keepEarlier = !settings.Resume && File.Exists(best);
            if (keepEarlier) File.Move(best, _folder.Resolve(PreviousCheckpoint), overwrite: true);
            BestModel = keepEarlier ? BestModelOutcome.ReplacedEarlier : BestModelOutcome.Written;
        }
        CheckpointFile.Write(_folder, best, checkpoint);
    }

    private void SaveFinal(TrainingProgress progress, optim.Optimizer optimizer)
    {
        if (!Ranks.IsRoot) return;
        var (state, tensors) = ResumableState.Capture(progress, optimizer, setup.LrPolicy);
        using var checkpoint = Checkpoint.Capture(setup.Network, setup.NetworkSpec, state, tensors);
        CheckpointFile.Write(_folder, FinalCheckpoint, checkpoint);
    }

    // A run killed during an atomic write leaves its temp file (never the checkpoint itself) behind.
    private void RemoveTempFilesOfKilledWrites()
    {
        foreach (var name in new[] { BestCheckpoint, FinalCheckpoint })
            foreach (var temp in Directory.EnumerateFiles(settings.CheckpointDir, $".{name}.*.tmp"))
                File.Delete(temp);
    }

    private sealed record EpochOutcome(int Steps, double MeanLoss, double Seconds, double WaitedFraction, IReadOnlyDictionary<string, double> AuxMeans);
}
