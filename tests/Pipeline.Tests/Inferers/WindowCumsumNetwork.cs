using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>A weightless 2 → 3 channel network whose outputs are cumulative sums over the window, so each value depends on where the window starts.</summary>
/// <remarks>The same function as <c>window_network</c> in tools/fixtures/make_inferer_fixtures.py.</remarks>
internal sealed class WindowCumsumNetwork() : nn.Module<Tensor, Tensor>(nameof(WindowCumsumNetwork))
{
    public int Calls { get; private set; }

    public List<long> BatchSizes { get; } = [];

    public override Tensor forward(Tensor x)
    {
        Calls++;
        BatchSizes.Add(x.shape[0]);
        using var scope = NewDisposeScope();
        var a = x.narrow(1, 0, 1);
        var b = x.narrow(1, 1, 1);
        var out0 = a.cumsum(-1) * 0.1 + b;
        var out1 = a - b.cumsum(2) * 0.05;
        var out2 = (a * b).cumsum(2).cumsum(-1) * 0.01 + 0.3;
        return cat([out0, out1, out2], 1).MoveToOuterDisposeScope();
    }
}
