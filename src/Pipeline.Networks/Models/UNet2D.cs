using Pipeline.Networks.Layers;
using Pipeline.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>The 2D U-Net of Ronneberger et al. 2015 (serial-section EM): double 3×3 convs, max-pool down, transposed-conv up, skip concat.</summary>
/// <remarks>
/// Input [B, in_channels, H, W]; output [B, num_classes, H', W'] probabilities after a softmax over channels, as Clara models emit.
/// With <c>padding: "same"</c> (default) H' = H and W' = W, and every spatial size must be a multiple of <see cref="Divisor"/>.
/// With <c>padding: "valid"</c> the convs are unpadded as in the paper (572 → 388), skips are centre-cropped before the concat,
/// and each spatial size must be legal per <see cref="TryGetValidOutputSize"/>.
/// State-dict names: <c>down.{i}.conv1/conv2</c> (and <c>bn1/bn2</c> with batch norm) for encoder level i (the last is the
/// bottleneck), <c>up.{j}.upconv</c> and <c>up.{j}.conv.conv1/conv2</c> for decoder step j (deepest first), <c>final</c> for the 1×1 conv.
/// </remarks>
[Component(ComponentKind.Model, "UNet2D")]
public sealed class UNet2D : nn.Module<Tensor, Tensor>, INetwork, IExportable
{
    private static readonly string[] Paddings = ["same", "valid"];

    private readonly ModuleList<UNet2DConvBlock> _down;
    private readonly ModuleList<UNet2DUpBlock> _up;
    private readonly nn.Module<Tensor, Tensor> _final;

    /// <summary>Builds the network; every arg is validated and reported as a <see cref="ConfigArgException"/>.</summary>
    /// <param name="numClasses">Output channels (softmax classes).</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="features">Channels per level, shallowest first (config: the string "64,128,256,512,1024"); the last level is the bottleneck.</param>
    /// <param name="padding">"same" (3×3 convs padded by 1, output size = input size) or "valid" (unpadded, as in the paper).</param>
    /// <param name="useBatchNorm">BatchNorm after every conv, before its ReLU; the paper has none.</param>
    public UNet2D(int numClasses = 2, int inChannels = 1, int[]? features = null, string padding = "same", bool useBatchNorm = false)
        : base(nameof(UNet2D))
    {
        features ??= [64, 128, 256, 512, 1024];
        Validate(numClasses, inChannels, features, padding);
        NumClasses = numClasses;
        InChannels = inChannels;
        Features = [.. features];
        Padding = padding;

        long pad = padding == "same" ? 1 : 0;
        _down = new ModuleList<UNet2DConvBlock>();
        for (var i = 0; i < features.Length; i++)
            _down.append(new UNet2DConvBlock(i == 0 ? inChannels : features[i - 1], features[i], pad, useBatchNorm));
        _up = new ModuleList<UNet2DUpBlock>();
        for (var i = features.Length - 1; i > 0; i--)
            _up.append(new UNet2DUpBlock(features[i], features[i - 1], pad, useBatchNorm));
        _final = ConvolutionLayer.Conv2d(features[0], numClasses, 1, bias: true);

        // Registered by hand (not RegisterComponents) so the state-dict names are the reference's, not the C# field names.
        register_module("down", _down);
        register_module("up", _up);
        register_module("final", _final);
    }

    /// <summary>Does nothing: children are registered by hand under the reference's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child it registers, and the base version would register
    /// each module-typed field a second time under its C# field name (<c>_conv1</c>, <c>_upconv</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Output channels.</summary>
    public int NumClasses { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Channels per level, shallowest first.</summary>
    public IReadOnlyList<int> Features { get; }

    /// <summary>"same" or "valid".</summary>
    public string Padding { get; }

    /// <inheritdoc />
    public InputContract InputContract => new()
    {
        InChannels = InChannels,
        SpatialDims = 2,
        Divisors = Padding == "same" ? [Divisor(Features.Count), Divisor(Features.Count)] : [1, 1],
        ValidPaddingLevels = Padding == "same" ? 0 : Features.Count,
    };

    /// <summary>In "same" mode every spatial input size must be a multiple of this: 2^(levels - 1).</summary>
    public static int Divisor(int levels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        return 1 << (levels - 1);
    }

    /// <summary>
    /// The "valid"-mode output size for one spatial input size with <paramref name="levels"/> levels (the paper: 572 → 388 with 5);
    /// false when the size is illegal: some conv output would be empty or some level's size would be odd before pooling.
    /// </summary>
    public static bool TryGetValidOutputSize(int inputSize, int levels, out int outputSize) =>
        ValidPaddingUNetSize.TryGetOutputSize(inputSize, levels, out outputSize);

    /// <summary>Maps [B, in_channels, H, W] to [B, num_classes, H', W'] softmax probabilities (H' = H in "same" mode).</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInput(x);
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>(_down.Count - 1);
        var h = x;
        for (var i = 0; i < _down.Count; i++)
        {
            if (i > 0)
            {
                skips.Add(h);
                h = nn.functional.max_pool2d(h, 2, 2);
            }
            h = _down[i].call(h);
        }
        for (var j = 0; j < _up.Count; j++)
            h = _up[j].call(h, skips[skips.Count - 1 - j]);
        return _final.call(h).softmax(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var skips = new List<string>(_down.Count - 1);
        var h = input;
        for (var i = 0; i < _down.Count; i++)
        {
            if (i > 0)
            {
                skips.Add(h);
                h = graph.MaxPool(h, [2, 2], [2, 2], [0, 0], [1, 1], "max_pool");
            }
            h = _down[i].Export(graph, h);
        }
        for (var j = 0; j < _up.Count; j++)
            h = _up[j].Export(graph, h, skips[skips.Count - 1 - j]);
        return graph.Softmax(ModuleExport.Export(_final, graph, h));
    }

    private void CheckInput(Tensor x)
    {
        if (x.dim() != 4)
            throw new ArgumentException($"UNet2D expects a 4-D input [B, C, H, W]; got shape [{string.Join(", ", x.shape)}]", nameof(x));
        if (x.shape[1] != InChannels)
            throw new ArgumentException($"UNet2D was built for in_channels {InChannels}; the input has {x.shape[1]} channels", nameof(x));
        var levels = Features.Count;
        for (var d = 2; d < 4; d++)
        {
            var size = x.shape[d];
            var where = $"UNet2D input spatial size {size} (dimension {d - 2} of [{string.Join(", ", x.shape.Skip(2))}])";
            if (Padding == "same")
            {
                var divisor = Divisor(levels);
                if (size % divisor != 0)
                    throw new ArgumentException(
                        $"{where} is not a multiple of {divisor}; with padding \"same\" and {levels} levels every spatial size must be a multiple of 2^({levels}-1) = {divisor}",
                        nameof(x));
            }
            else if (size > int.MaxValue || !TryGetValidOutputSize((int)size, levels, out _))
            {
                throw new ArgumentException(
                    $"{where} is not legal with padding \"valid\" and {levels} levels: every level's size must stay positive after its two unpadded 3×3 convs " +
                    $"and even before each 2×2 pool ({LegalNeighbours(size, levels)})", nameof(x));
            }
        }
    }

    private static string LegalNeighbours(long size, int levels)
    {
        var (below, above) = ValidPaddingUNetSize.NearestLegal(size, levels);
        var parts = new List<string>();
        if (below > 0) parts.Add($"nearest smaller legal size {below}");
        if (above > 0) parts.Add($"nearest larger legal size {above}");
        return parts.Count == 0 ? "no legal size nearby" : string.Join(", ", parts);
    }

    private static void Validate(int numClasses, int inChannels, int[] features, string padding)
    {
        if (numClasses < 1) throw new ConfigArgException("num_classes", $"must be at least 1; got {numClasses}");
        if (inChannels < 1) throw new ConfigArgException("in_channels", $"must be at least 1; got {inChannels}");
        if (features.Length is < 2 or > 16)
            throw new ConfigArgException("features", $"needs 2 to 16 levels (the last is the bottleneck); got {features.Length}");
        for (var i = 0; i < features.Length; i++)
            if (features[i] < 1) throw new ConfigArgException($"features[{i}]", $"must be at least 1; got {features[i]}");
        if (!Paddings.Contains(padding))
            throw new ConfigArgException("padding", $"must be one of {string.Join(", ", Paddings)}; got '{padding}'");
    }
}
