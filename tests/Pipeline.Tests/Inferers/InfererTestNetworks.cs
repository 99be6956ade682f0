using Pipeline.Networks;
using Pipeline.Networks.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>Small real networks for inferer tests.</summary>
internal static class InfererTestNetworks
{
    /// <summary>A seeded two-class SegResnet with two filters (divisor 8), in eval mode. Build it outside any dispose scope.</summary>
    public static SegResnet TinySegResnet(int seed = 7)
    {
        manual_seed(seed);
        var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        model.eval();
        return model;
    }

    /// <summary><see cref="TinySegResnet"/> with every parameter frozen, as evaluation holds a network.</summary>
    public static SegResnet FrozenTinySegResnet(int seed = 7)
    {
        var model = TinySegResnet(seed);
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        return model;
    }
}

/// <summary>A stand-in for a dynamic-shape U-Net: declares sizes as multiples of 16 and returns its input's first channel twice.</summary>
internal sealed class MultipleOf16Network() : nn.Module<Tensor, Tensor>(nameof(MultipleOf16Network)), INetwork
{
    public InputContract InputContract { get; } = InputContract.MultipleOf(1, 3, 16);

    public override Tensor forward(Tensor x) => cat([x, x], 1);
}
