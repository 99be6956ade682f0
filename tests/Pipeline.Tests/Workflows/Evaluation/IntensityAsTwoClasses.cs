using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Evaluation;

/// <summary>A stand-in segmentation network whose prediction is known: class 1 where the intensity exceeds 0.5, as probabilities [1 − x, x].</summary>
internal sealed class IntensityAsTwoClasses() : nn.Module<Tensor, Tensor>(nameof(IntensityAsTwoClasses))
{
    public override Tensor forward(Tensor x) => cat([1 - x, x], 1);
}
