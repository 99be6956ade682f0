using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>The globals of config_train.json that steer the loop.</summary>
/// <param name="Epochs">Clara's <c>epochs</c>.</param>
/// <param name="EpochsPerValidation">Clara's <c>num_training_epoch_per_valid</c>.</param>
/// <param name="LearningRate">Clara's <c>learning_rate</c> (the optimizer's own arg when the top level has none).</param>
/// <param name="Seed">The run seed (<c>determinism.random_seed</c>).</param>
/// <param name="CheckpointDir"><c>MMAR_CKPT_DIR</c>: where model.ckpt (best) and model_final.ckpt (last) go.</param>
public sealed record TrainingSettings(int Epochs, int EpochsPerValidation, double LearningRate, long Seed, string CheckpointDir)
{
    /// <summary>Clara's <c>train_summary_recording_interval</c>: steps between per-step records for handlers; 0 = per epoch.</summary>
    public int SummaryInterval { get; init; }

    /// <summary>The compute type of forward and backward passes (<c>use_amp</c>): float32, or bfloat16/float16 with float32 master weights.</summary>
    public ScalarType ComputeType { get; init; } = ScalarType.Float32;

    /// <summary>Devices of the data-parallel replicas (<c>multi_gpu</c>); one CPU replica when empty.</summary>
    public IReadOnlyList<Device> Devices { get; init; } = [];

    /// <summary>Continue the run saved in <see cref="SupervisedTrainer.FinalCheckpoint"/> (<c>--resume</c>).</summary>
    public bool Resume { get; init; }

    /// <summary>A checkpoint whose weights start the run (<c>MMAR_CKPT</c>, fine-tuning); null trains from the network's initialisation.</summary>
    public string? InitialCheckpoint { get; init; }
}
