using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Training;

/// <summary>A training loss (a config's <c>loss</c> section) that compares a network output with a label map.</summary>
/// <remarks>
/// <c>prediction</c> is what the network returns: channels-first probabilities <c>[B, C, spatial…]</c> (Clara models
/// end in softmax or sigmoid themselves). <c>label</c> is a <c>[B, 1, spatial…]</c> integer class map, or a one-hot
/// <c>[B, C, spatial…]</c> tensor when the loss is configured with <c>is_onehot_targets</c>.
/// </remarks>
public interface ILoss
{
    /// <summary>The scalar loss, differentiable with respect to <paramref name="prediction"/>.</summary>
    Tensor Compute(Tensor prediction, Tensor label);
}
