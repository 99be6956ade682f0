namespace Pipeline.Training;

/// <summary>What a training run is about to do.</summary>
/// <param name="Epochs">Total epochs of the run (Clara's <c>epochs</c>).</param>
/// <param name="StartEpoch">The first epoch to run, 0-based (more than 0 after <c>--resume</c>).</param>
/// <param name="StartStep">The global step count already done.</param>
/// <param name="StepsPerEpoch">Steps per epoch as the image pipeline predicts them; 0 when unknown.</param>
/// <param name="OutputDir">MMAR_CKPT_DIR: where checkpoints, the log file and event files go.</param>
/// <param name="SummaryInterval">Clara's <c>train_summary_recording_interval</c>: steps between per-step records; 0 = per epoch only.</param>
public sealed record TrainingRunInfo(int Epochs, int StartEpoch, long StartStep, int StepsPerEpoch, string OutputDir, int SummaryInterval);
