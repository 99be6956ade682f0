using static TorchSharp.torch;

namespace Pipeline.Networks;

/// <summary>An evaluation config's <c>model_loader</c>: produces the trained network, ready for inference.</summary>
public interface IModelLoader
{
    /// <summary>Builds the network, loads its weights and puts it in eval mode; the caller disposes it.</summary>
    nn.Module<Tensor, Tensor> Load();

    /// <summary>The file <see cref="Load"/> reads and the config arg that names it, so a check can open its description before a run; null when the loader reads no single file.</summary>
    (string File, string Arg)? Source => null;

    /// <summary>The network and input contract <see cref="Source"/> describes, read without loading the weights; null when the loader cannot tell.</summary>
    /// <exception cref="InvalidDataException">The source cannot be read as what the loader loads; the message says why.</exception>
    (NetworkSpec Network, InputContract Contract)? Describe() => null;

    /// <summary>What this build or machine lacks to run the model, as the config arg that asks for it (and its element, for a list) and why; null when nothing is missing.</summary>
    (string Arg, int? Index, string Reason)? Unavailable() => null;
}
