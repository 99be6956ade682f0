using Pipeline.Data;
using Pipeline.Evaluation;
using Pipeline.Inferers;
using Pipeline.Training;
using static TorchSharp.torch;

namespace Pipeline.Workflows.Evaluation;

/// <summary>The components of config_validation.json an evaluation runs, built from the config.</summary>
/// <param name="Network">The network from <c>model_loader</c>, in eval mode.</param>
/// <param name="Inferer">The <c>inferer</c>.</param>
/// <param name="PreTransforms"><c>pre_transforms</c>: load and prepare the image.</param>
/// <param name="PostTransforms"><c>post_transforms</c>: turn the prediction field <c>model</c> into results.</param>
/// <param name="LabelTransforms"><c>label_transforms</c>: load and prepare the label (validation only).</param>
/// <param name="Metrics"><c>val_metrics</c>.</param>
/// <param name="Writers"><c>writers</c>.</param>
public sealed record EvaluationSetup(
    nn.Module<Tensor, Tensor> Network,
    IInferer Inferer,
    TransformChain PreTransforms,
    TransformChain PostTransforms,
    TransformChain LabelTransforms,
    IReadOnlyList<IMetric> Metrics,
    IReadOnlyList<IEvalWriter> Writers);
