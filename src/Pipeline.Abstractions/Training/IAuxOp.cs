using static TorchSharp.torch;

namespace Pipeline.Training;

/// <summary>Clara's aux op (<c>train.aux_ops</c>): extra named scalars computed each step from the prediction, the label and the loss, reported like the loss and usable as validation fields.</summary>
public interface IAuxOp
{
    /// <summary>The tags this op produces, in order (e.g. <c>["dice", "dice_tc", "dice_wt", "dice_et"]</c>).</summary>
    IReadOnlyList<string> Tags { get; }

    /// <summary>Computes one scalar tensor per tag. <paramref name="prediction"/> is the network output [B, C, spatial…] (after its final activation, in float32), <paramref name="label"/> the label field, <paramref name="loss"/> the step's scalar loss. Runs without gradient.</summary>
    IReadOnlyDictionary<string, Tensor> Compute(Tensor prediction, Tensor label, Tensor loss);
}
