using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>Stochastic depth (MONAI's <c>DropPath</c>): in training, zeroes a whole sample's residual branch with probability p and scales survivors by 1/(1−p); identity in eval.</summary>
public sealed class SwinDropPath : nn.Module<Tensor, Tensor>
{
    private readonly double _probability;

    /// <summary>Drops a sample's branch with <paramref name="probability"/>.</summary>
    public SwinDropPath(double probability) : base(nameof(SwinDropPath)) => _probability = probability;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!training || _probability <= 0) return x.alias();
        using var scope = NewDisposeScope();
        var keep = 1 - _probability;
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        var mask = torch.empty(shape, x.dtype, x.device).bernoulli_(keep);
        return x.mul(mask).DividedBy(keep).MoveToOuterDisposeScope();
    }
}
