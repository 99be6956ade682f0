using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>Group normalisation with PyTorch's parameter names and init (weight 1, bias 0), in the input's precision.</summary>
/// <remarks>
/// TorchSharp 0.107's <c>nn.GroupNorm</c> leaves its affine parameters uninitialised. libtorch accumulates bf16 group-norm
/// statistics in float32 itself; computing the whole layer in float32 instead was measured slower (SegResnet init 8, 96³
/// bf16 forward 0.39 s against 0.33 s), so bf16 inputs stay bf16.
/// </remarks>
public sealed class GroupNormLayer : nn.Module<Tensor, Tensor>
{
    // Named as their state-dict entries: Module.to(dtype) replaces parameters and finds the fields to update by name.
#pragma warning disable IDE1006
    private Parameter weight;
    private Parameter bias;
#pragma warning restore IDE1006

    /// <summary>Creates the layer for <paramref name="channels"/> channels in <paramref name="groups"/> groups.</summary>
    public GroupNormLayer(long groups, long channels, double eps = 1e-5) : base("GroupNorm")
    {
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentException($"{channels} channels cannot be split into {groups} groups", nameof(groups));
        Groups = groups;
        Eps = eps;
        Channels = channels;
        weight = new Parameter(ones(channels).DetachFromDisposeScope());
        bias = new Parameter(zeros(channels).DetachFromDisposeScope());
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    /// <summary>Number of channels normalised.</summary>
    public long Channels { get; }

    /// <summary>Number of groups the channels are split into.</summary>
    public long Groups { get; }

    /// <summary>The epsilon added to the variance.</summary>
    public double Eps { get; }

    /// <inheritdoc />
    protected override void RegisterComponents()
    {
        // Parameters are registered in the constructor.
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) =>
        nn.functional.group_norm(x, Groups, weight.dtype == x.dtype ? weight : weight.to(x.dtype), bias.dtype == x.dtype ? bias : bias.to(x.dtype), Eps);
}
