using Pipeline.Networks;
using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>Checks what an inferer is about to feed a network against the network's <see cref="InputContract"/>.</summary>
internal static class NetworkInputCheck
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="arg"/> when windows of <paramref name="window"/> are not a legal input.</summary>
    public static void Window(nn.Module<Tensor, Tensor> network, IReadOnlyList<int> window, long inChannels, string arg)
    {
        if (network is not INetwork { InputContract: var contract }) return;
        if (contract.InChannels != inChannels)
            throw new ArgumentException($"the network was built for in_channels {contract.InChannels}; the input has {inChannels} channels");
        if (contract.ValidPaddingLevels > 0)
            throw new ArgumentException("the network uses unpadded convolutions and predicts a smaller region than its input; the inferers need same-size outputs");
        var shown = $"[{string.Join(", ", window)}]";
        if (contract.FixedShape is { } fixedShape && !window.SequenceEqual(fixedShape))
            throw new ArgumentException(
                $"{arg} gives windows of {shown}, but the network has a fixed input shape [{string.Join(", ", fixedShape)}] (its training crop); " +
                $"set {arg} to [{string.Join(", ", fixedShape)}]");
        var problem = contract.ExplainSize(window);
        if (problem is not null)
            throw new ArgumentException($"{arg} gives windows of {shown} that the network does not accept: {problem}");
    }
}
