namespace Pipeline.Workflows.Training;

/// <summary>The globals of config_train.json that steer the loop.</summary>
/// <param name="Epochs">Clara's <c>epochs</c>.</param>
/// <param name="EpochsPerValidation">Clara's <c>num_training_epoch_per_valid</c>.</param>
/// <param name="LearningRate">Clara's <c>learning_rate</c> (the optimizer's own arg when the top level has none).</param>
/// <param name="Seed">The run seed (<c>determinism.random_seed</c>).</param>
/// <param name="CheckpointDir"><c>MMAR_CKPT_DIR</c>: where model.ckpt (best) and model_final.ckpt (last) go.</param>
public sealed record TrainingSettings(int Epochs, int EpochsPerValidation, double LearningRate, long Seed, string CheckpointDir);
