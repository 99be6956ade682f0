using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>Group normalisation with PyTorch's parameter names, initialised (weight 1, bias 0), and computed in float32 for reduced-precision inputs.</summary>
/// <remarks>
/// TorchSharp 0.107's <c>nn.GroupNorm</c> leaves its affine parameters uninitialised. libtorch's CPU group norm in bfloat16
/// is about ten times slower than in float32 at the channel counts of a 3-D U-Net's first level, where it dominates a bf16
/// forward pass; casting in and out costs a fraction of that and gives the statistics float32 accuracy, as autocast would.
/// </remarks>
public sealed class GroupNormLayer : nn.Module<Tensor, Tensor>
{
    // Named as their state-dict entries: Module.to(dtype) replaces parameters and finds the fields to update by name.
#pragma warning disable IDE1006
    private Parameter weight;
    private Parameter bias;
#pragma warning restore IDE1006
    private readonly long _groups;
    private readonly double _eps;

    /// <summary>Creates the layer for <paramref name="channels"/> channels in <paramref name="groups"/> groups.</summary>
    public GroupNormLayer(long groups, long channels, double eps = 1e-5) : base("GroupNorm")
    {
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentException($"{channels} channels cannot be split into {groups} groups", nameof(groups));
        _groups = groups;
        _eps = eps;
        Channels = channels;
        weight = new Parameter(ones(channels).DetachFromDisposeScope());
        bias = new Parameter(zeros(channels).DetachFromDisposeScope());
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    /// <summary>Number of channels normalised.</summary>
    public long Channels { get; }

    /// <summary>Number of groups the channels are split into.</summary>
    public long Groups => _groups;

    /// <summary>The epsilon added to the variance.</summary>
    public double Eps => _eps;

    /// <inheritdoc />
    protected override void RegisterComponents()
    {
        // Parameters are registered in the constructor.
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        if (x.dtype is ScalarType.Float32 or ScalarType.Float64)
            return nn.functional.group_norm(x, _groups, weight.to(x.dtype), bias.to(x.dtype), _eps);
        using var scope = NewDisposeScope();
        var result = nn.functional.group_norm(x.to(ScalarType.Float32), _groups, weight.to(ScalarType.Float32), bias.to(ScalarType.Float32), _eps).to(x.dtype);
        return result.MoveToOuterDisposeScope();
    }
}
