using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Training;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Training;

/// <summary>Everything a training run is made of, built from config_train.json.</summary>
/// <param name="Network">The network being trained (its float32 weights are the master copy).</param>
/// <param name="NetworkSpec">Its config name and args, stored in every checkpoint.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="Optimizer">Creates the optimizer over the network's parameters.</param>
/// <param name="LrPolicy">The learning-rate policy; null keeps the rate constant.</param>
/// <param name="TrainChain">train.pre_transforms.</param>
/// <param name="TrainBatchTransforms">train.batch_transforms.</param>
/// <param name="TrainPipeline">train.image_pipeline.</param>
/// <param name="ValidationChain">validate.pre_transforms; null when there is no validation.</param>
/// <param name="ValidationPipeline">validate.image_pipeline.</param>
/// <param name="Inferer">validate.inferer.</param>
/// <param name="Metrics">validate.metrics.</param>
public sealed record TrainingSetup(
    nn.Module<Tensor, Tensor> Network,
    NetworkSpec NetworkSpec,
    ILoss Loss,
    IOptimizerFactory Optimizer,
    ILrPolicy? LrPolicy,
    TransformChain TrainChain,
    IReadOnlyList<IBatchTransform> TrainBatchTransforms,
    IImagePipeline TrainPipeline,
    TransformChain? ValidationChain,
    IImagePipeline? ValidationPipeline,
    IInferer? Inferer,
    IReadOnlyList<IMetric> Metrics)
{
    /// <summary>Builds another instance of the network (same spec and input shape) for a replica on another device or in another precision; required for mixed precision and data parallelism.</summary>
    public Func<nn.Module<Tensor, Tensor>>? CreateReplica { get; init; }

    /// <summary>train.aux_ops.</summary>
    public IReadOnlyList<IAuxOp> AuxOps { get; init; } = [];

    /// <summary>Observers of the run: train.handlers plus what the host adds (console, log file, TensorBoard).</summary>
    public IReadOnlyList<ITrainingHandler> Handlers { get; init; } = [];
}
