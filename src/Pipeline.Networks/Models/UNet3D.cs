using Pipeline.Networks.Layers;
using Pipeline.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>Clara's <c>UNet3D</c>: NVIDIA DeepLearningExamples' 3D-UNet (the BraTS "No New-Net" variant) with instance norm and leaky ReLU.</summary>
/// <remarks>
/// Layout for <c>filters</c> f₀…fₙ: an input block of two 3³ conv layers at f₀; n down blocks (3³ stride-2 conv, 3³ conv) at
/// f₁…fₙ; n up blocks (2³ stride-2 transposed conv to the skip's width, concat upsampled-then-skip, two 3³ conv layers); a
/// 3³ output conv (padding 1, with bias) to <c>num_classes</c>, then softmax over channels, as Clara models emit.
/// Every conv layer is conv (no bias) → InstanceNorm3d (affine, eps 1e-6) → LeakyReLU; the transposed convs and the output
/// conv are not normalised and so keep their bias.
/// State-dict names: <c>input_block.conv1.conv.weight</c>, <c>input_block.conv1.norm.weight</c>,
/// <c>downsample.0.conv1.conv.weight</c>, <c>upsample.0.transp_conv.weight</c>, <c>upsample.0.conv_block.conv2.norm.bias</c>,
/// <c>output_block.conv.bias</c>, … (upsample.0 is the deepest decoder step).
/// Every spatial size of the input must be a multiple of <see cref="Divisor"/> (32 for the default six widths), and the
/// bottleneck (input size / divisor) must hold more than one voxel, since instance norm over a single voxel is degenerate.
/// </remarks>
[Component(ComponentKind.Model, "UNet3D")]
public sealed class UNet3D : nn.Module<Tensor, Tensor>, INetwork, IExportable
{
    private static readonly string[] Normalizations = ["instancenorm"];

    private readonly UNet3DConvBlock _inputBlock;
    private readonly ModuleList<UNet3DConvBlock> _downsample;
    private readonly ModuleList<UNet3DUpBlock> _upsample;
    private readonly nn.Module<Tensor, Tensor> _outputBlock;

    /// <summary>Builds the network; every arg is validated and reported as a <see cref="ConfigArgException"/>.</summary>
    /// <param name="numClasses">Output channels (4 for BraTS: background plus three tumour labels).</param>
    /// <param name="inChannels">Input channels (4 for BraTS: T1, T1c, T2, FLAIR).</param>
    /// <param name="filters">Width of each resolution level, shallowest first (Clara: the string "32,64,128,256,320,320"); the level count sets <see cref="Divisor"/>.</param>
    /// <param name="normalization">Normalisation layer; only instancenorm is supported.</param>
    /// <param name="negativeSlope">Leaky ReLU slope for negative inputs.</param>
    public UNet3D(int numClasses = 4, int inChannels = 4, int[]? filters = null, string normalization = "instancenorm",
        double negativeSlope = 0.01)
        : base(nameof(UNet3D))
    {
        filters ??= [32, 64, 128, 256, 320, 320];
        Validate(numClasses, inChannels, filters, normalization, negativeSlope);
        NumClasses = numClasses;
        InChannels = inChannels;
        Filters = [.. filters];

        _inputBlock = new UNet3DConvBlock(inChannels, filters[0], 1, negativeSlope);
        _downsample = new ModuleList<UNet3DConvBlock>();
        for (var i = 1; i < filters.Length; i++)
            _downsample.append(new UNet3DConvBlock(filters[i - 1], filters[i], 2, negativeSlope));
        _upsample = new ModuleList<UNet3DUpBlock>();
        for (var i = filters.Length - 1; i > 0; i--)
            _upsample.append(new UNet3DUpBlock(filters[i], filters[i - 1], negativeSlope));
        _outputBlock = nn.Sequential(("conv", ConvolutionLayer.Conv3d(filters[0], numClasses, 3, padding: 1, bias: true)));

        // Registered by hand (not RegisterComponents) so the state-dict names are the reference's, not the C# field names.
        register_module("input_block", _inputBlock);
        register_module("downsample", _downsample);
        register_module("upsample", _upsample);
        register_module("output_block", _outputBlock);
    }

    /// <summary>Does nothing: children are registered by hand under the reference's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name (<c>_conv</c>, <c>_conv1</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Output channels.</summary>
    public int NumClasses { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Width of each resolution level, shallowest first.</summary>
    public IReadOnlyList<int> Filters { get; }

    /// <inheritdoc />
    public InputContract InputContract => new()
    {
        InChannels = InChannels,
        SpatialDims = 3,
        Divisors = [Divisor(Filters), Divisor(Filters), Divisor(Filters)],
    };

    /// <summary>Every spatial input size must be a multiple of this: 2^(len(filters) - 1).</summary>
    public static int Divisor(IReadOnlyList<int> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        return 1 << (filters.Count - 1);
    }

    /// <summary>Maps [B, in_channels, D, H, W] to [B, num_classes, D, H, W] softmax probabilities.</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInput(x);
        using var scope = NewDisposeScope();
        var h = _inputBlock.call(x);
        var skips = new List<Tensor>(_downsample.Count + 1) { h };
        foreach (var down in _downsample)
        {
            h = down.call(h);
            skips.Add(h);
        }
        // Decoder step i restores the level one shallower than its input: skips[^(i + 2)].
        for (var i = 0; i < _upsample.Count; i++)
            h = _upsample[i].call(h, skips[skips.Count - 2 - i]);
        return _outputBlock.call(h).softmax(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var h = _inputBlock.Export(graph, input);
        var skips = new List<string>(_downsample.Count + 1) { h };
        foreach (var down in _downsample)
        {
            h = down.Export(graph, h);
            skips.Add(h);
        }
        for (var i = 0; i < _upsample.Count; i++)
            h = _upsample[i].Export(graph, h, skips[skips.Count - 2 - i]);
        return graph.Softmax(ModuleExport.Export(_outputBlock, graph, h));
    }

    private void CheckInput(Tensor x)
    {
        if (x.dim() != 5)
            throw new ArgumentException($"UNet3D expects a 5-D input [B, C, D, H, W]; got shape [{string.Join(", ", x.shape)}]", nameof(x));
        if (x.shape[1] != InChannels)
            throw new ArgumentException($"UNet3D was built for in_channels {InChannels}; the input has {x.shape[1]} channels", nameof(x));
        var divisor = Divisor(Filters);
        for (var d = 2; d < 5; d++)
            if (x.shape[d] % divisor != 0)
                throw new ArgumentException(
                    $"UNet3D input spatial size {x.shape[d]} (dimension {d - 2} of [{string.Join(", ", x.shape.Skip(2))}]) is not a multiple of {divisor}; " +
                    $"with {Filters.Count} resolution levels every spatial size must be a multiple of 2^({Filters.Count}-1) = {divisor}", nameof(x));
        // A 1×1×1 bottleneck makes every deepest InstanceNorm output its bias alone (PyTorch refuses such input outright).
        if (x.shape[2] == divisor && x.shape[3] == divisor && x.shape[4] == divisor)
            throw new ArgumentException(
                $"UNet3D input [{string.Join(", ", x.shape.Skip(2))}] leaves a 1×1×1 bottleneck, on which instance norm is undefined; " +
                $"at least one spatial size must be 2·{divisor} = {2 * divisor} or more", nameof(x));
    }

    private static void Validate(int numClasses, int inChannels, int[] filters, string normalization, double negativeSlope)
    {
        if (numClasses < 1) throw new ConfigArgException("num_classes", $"must be at least 1; got {numClasses}");
        if (inChannels < 1) throw new ConfigArgException("in_channels", $"must be at least 1; got {inChannels}");
        // One level would be a plain conv stack; more than 16 cannot be fed (the divisor alone would exceed 32768 voxels per side).
        if (filters.Length is < 2 or > 16)
            throw new ConfigArgException("filters", $"needs 2 to 16 resolution levels; got {filters.Length}");
        for (var i = 0; i < filters.Length; i++)
            if (filters[i] < 1) throw new ConfigArgException($"filters[{i}]", $"must be at least 1; got {filters[i]}");
        if (!Normalizations.Contains(normalization))
            throw new ConfigArgException("normalization", $"must be one of {string.Join(", ", Normalizations)}; got '{normalization}'");
        if (!double.IsFinite(negativeSlope) || negativeSlope < 0)
            throw new ConfigArgException("negative_slope", $"must be a finite number ≥ 0; got {negativeSlope}");
    }
}
