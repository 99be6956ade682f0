using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Layers;

/// <summary>Group normalisation with PyTorch's parameter names and init (weight 1, bias 0), in the input's precision.</summary>
/// <remarks>
/// TorchSharp 0.107's <c>nn.GroupNorm</c> leaves its affine parameters uninitialised. Without autograd, channels-last CPU
/// inputs with up to 32 channels (a divisor of 32) go through <see cref="ChannelsLastGroupNorm"/>, which is faster than
/// libtorch's kernel in both precisions (8 channels, 4×96³: bf16 6 ms against 85 ms, fp32 5 ms against 14 ms) and closer to
/// float64 (fp32: 7e-7 against 3e-3 off). Everything else goes to libtorch in the input's precision.
/// </remarks>
public sealed class GroupNormLayer : nn.Module<Tensor, Tensor>, IExportable
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
    public override Tensor forward(Tensor x) => Normalize(x, rectify: false);

    /// <inheritdoc />
    /// <remarks>The spatial rank is not known from the layer; it is read from the weight's use: 3-D unless the graph says otherwise.</remarks>
    public string Export(IGraphBuilder graph, string input) => graph.GroupNorm(input, Groups, weight, bias, Eps, SpatialDimsForExport, "group_norm");

    /// <summary>The spatial rank the exported graph reshapes the per-channel affine for (3 for volumes, 2 for slices).</summary>
    public int SpatialDimsForExport { get; init; } = 3;

    /// <summary>The normalisation followed by ReLU, fused into one pass over the output where the layout allows.</summary>
    public Tensor NormalizeAndRectify(Tensor x) => Normalize(x, rectify: true);

    private Tensor Normalize(Tensor x, bool rectify)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!is_grad_enabled() && ChannelsLastGroupNorm.Supports(x, Channels))
            return ChannelsLastGroupNorm.Normalize(x, Groups, weight, bias, Eps, rectify);
        var y = nn.functional.group_norm(x, Groups, InDtypeOf(weight, x), InDtypeOf(bias, x), Eps);
        return rectify ? y.relu_() : y;
    }

    private static Tensor InDtypeOf(Tensor parameter, Tensor x) => parameter.dtype == x.dtype ? parameter : parameter.to(x.dtype);
}
