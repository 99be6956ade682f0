using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>Turns a whole image batch into a whole-image prediction with a network (Clara's <c>inferer</c> section).</summary>
public interface IInferer
{
    /// <summary>Predicts <paramref name="input"/> ([B, C, spatial…]) with <paramref name="network"/>; returns float32 [B, C_out, spatial…] of the input's spatial size.</summary>
    /// <remarks>The network's train/eval mode is left as the caller set it; no gradients are recorded.</remarks>
    Tensor Infer(Tensor input, nn.Module<Tensor, Tensor> network);
}
