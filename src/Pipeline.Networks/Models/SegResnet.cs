using Pipeline.Native;
using Pipeline.Networks.Layers;
using Pipeline.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>Clara's <c>SegResnet</c> model: MONAI's SegResNet (Myronenko 2018) encoder–decoder with pre-activation residual blocks and additive skips, without the VAE branch.</summary>
/// <remarks>
/// Output is channels-first probabilities after <c>final_activation</c>, as Clara models emit (MONAI's own SegResNet
/// returns logits). Child names follow MONAI's <c>SegResNet.state_dict()</c> keys (<c>convInit.conv.weight</c>,
/// <c>down_layers.1.0.conv.weight</c>, <c>up_samples.0.0.conv.weight</c>, <c>conv_final.2.conv.bias</c>, …), so MONAI
/// weights exported to safetensors load by name with <see cref="Weights.StateDictLoader"/>.
/// The VAE regularisation branch of Clara's <c>use_vae</c> (MONAI's separate SegResNetVAE) is not implemented;
/// <c>use_vae: true</c> is rejected. Clara's <c>reg_weight</c> (a TensorFlow L2 kernel regulariser) is kept as
/// <see cref="RegularizationLoss"/>, which training adds to the loss.
/// Every spatial size of the input must be a multiple of <see cref="Divisor"/>: the stride-2 convolutions round up,
/// so other sizes break the additive skips.
/// </remarks>
[Component(ComponentKind.Model, "SegResnet")]
public sealed class SegResnet : nn.Module<Tensor, Tensor>, IFixedShapeNetwork, IRegularizedNetwork, IExportable
{
    private static readonly string[] FinalActivations = ["softmax", "sigmoid", "linear"];
    private static readonly string[] UpsampleModes = ["nontrainable", "deconv"];

    private readonly nn.Module<Tensor, Tensor> _convInit;
    private readonly nn.Module<Tensor, Tensor>? _dropout;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _downLayers;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _upLayers;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _upSamples;
    private readonly nn.Module<Tensor, Tensor> _convFinal;
    private readonly nn.Module<Tensor, Tensor> _finalNorm;
    private readonly nn.Module<Tensor, Tensor> _finalAct;
    private readonly nn.Module<Tensor, Tensor> _finalConv;
    private readonly string _finalActivation;

    /// <summary>Builds the network; every arg is validated and reported as a <see cref="ConfigArgException"/>.</summary>
    /// <param name="numClasses">Output channels.</param>
    /// <param name="inChannels">Input channels. Clara inferred this from the data; here it must be given when it is not 1.</param>
    /// <param name="blocksDown">ResBlocks per encoder level (Clara: the string "1,2,2,4"); the level count sets <see cref="Divisor"/>.</param>
    /// <param name="blocksUp">ResBlocks per decoder level (Clara: "1,1,1"); at most <c>len(blocks_down) - 1</c> levels.</param>
    /// <param name="initFilters">Channels of the first level; level i has init_filters·2^i.</param>
    /// <param name="useGroupNorm">GroupNorm (MONAI's default) as the normalisation layer.</param>
    /// <param name="groupNormGroups">GroupNorm groups; every level's channel count must be divisible by it.</param>
    /// <param name="useBatchNorm">BatchNorm instead of GroupNorm (exactly one of the two must be on).</param>
    /// <param name="dropoutProb">Channel dropout (Dropout3d) after the first conv, as MONAI; 0 disables it. Clara's BraTS configs use 0.2; the default follows MONAI (none).</param>
    /// <param name="finalActivation">softmax or sigmoid over channels, or linear for raw logits.</param>
    /// <param name="upsampleMode">nontrainable (trilinear, MONAI's default) or deconv (2×2×2 transposed conv).</param>
    /// <param name="useVae">Clara's VAE regularisation branch; not supported yet, so only false is accepted.</param>
    /// <param name="regWeight">Clara's L2 kernel regulariser weight (TensorFlow <c>l2_regularizer</c>, 1e-5 in Clara's BraTS config); 0 turns it off.</param>
    public SegResnet(int numClasses, int inChannels = 1, int[]? blocksDown = null, int[]? blocksUp = null, int initFilters = 8,
        bool useGroupNorm = true, [Arg("use_group_normG")] int groupNormGroups = 8, bool useBatchNorm = false,
        double dropoutProb = 0.0, string finalActivation = "softmax", string upsampleMode = "nontrainable", bool useVae = false,
        double regWeight = 0.0)
        : base(nameof(SegResnet))
    {
        if (!(regWeight >= 0) || double.IsInfinity(regWeight))
            throw new ConfigArgException("reg_weight", $"must be a finite number ≥ 0; got {regWeight}");
        RegularizationWeight = regWeight;
        blocksDown ??= [1, 2, 2, 4];
        blocksUp ??= [1, 1, 1];
        Validate(numClasses, inChannels, blocksDown, blocksUp, initFilters, useGroupNorm, groupNormGroups, useBatchNorm,
            dropoutProb, finalActivation, upsampleMode, useVae);
        NumClasses = numClasses;
        InChannels = inChannels;
        BlocksDown = [.. blocksDown];
        _finalActivation = finalActivation;

        Func<long, nn.Module<Tensor, Tensor>> norm = useBatchNorm ? c => new BatchNormLayer(3, c) : c => GroupNorm(groupNormGroups, c);

        _convInit = ConvOnly(inChannels, initFilters, kernel: 3, stride: 1, bias: false);
        if (dropoutProb > 0) _dropout = nn.Dropout3d(dropoutProb);

        _downLayers = new ModuleList<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < blocksDown.Length; i++)
        {
            long c = (long)initFilters << i;
            var layer = nn.Sequential();
            // MONAI puts an Identity at index 0 of level 0, so ResBlock indices start at 1 on every level.
            layer.append(i == 0 ? nn.Identity() : ConvOnly(c / 2, c, kernel: 3, stride: 2, bias: false));
            for (var b = 0; b < blocksDown[i]; b++) layer.append(new SegResnetBlock(c, norm));
            _downLayers.append(layer);
        }

        _upLayers = new ModuleList<nn.Module<Tensor, Tensor>>();
        _upSamples = new ModuleList<nn.Module<Tensor, Tensor>>();
        var nUp = blocksUp.Length;
        for (var i = 0; i < nUp; i++)
        {
            long c = (long)initFilters << (nUp - i);
            var layer = nn.Sequential();
            for (var b = 0; b < blocksUp[i]; b++) layer.append(new SegResnetBlock(c / 2, norm));
            _upLayers.append(layer);
            var sample = nn.Sequential();
            sample.append(ConvOnly(c, c / 2, kernel: 1, stride: 1, bias: false));
            sample.append(upsampleMode == "deconv" ? Deconv(c / 2) : new DoublingUpsample());
            _upSamples.append(sample);
        }

        _finalNorm = norm(initFilters);
        _finalAct = nn.ReLU(inplace: true);
        _finalConv = ConvOnly(initFilters, numClasses, kernel: 1, stride: 1, bias: true);
        _convFinal = nn.Sequential(("0", _finalNorm), ("1", _finalAct), ("2", _finalConv));

        // Registered by hand (not RegisterComponents) so the state-dict names are MONAI's, not the C# field names.
        register_module("convInit", _convInit);
        register_module("down_layers", _downLayers);
        register_module("up_layers", _upLayers);
        register_module("up_samples", _upSamples);
        register_module("conv_final", _convFinal);
        if (_dropout is not null) register_module("dropout", _dropout);
    }

    /// <summary>Output channels.</summary>
    public int NumClasses { get; }

    /// <inheritdoc />
    public double RegularizationWeight { get; }

    /// <inheritdoc />
    public Tensor RegularizationLoss() => Regularization.KernelL2Penalty.Of(this, RegularizationWeight);

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>ResBlocks per encoder level.</summary>
    public IReadOnlyList<int> BlocksDown { get; }

    /// <summary>The spatial shape recorded by <see cref="RecordInputShape"/>; null until then, when any legal size is accepted.</summary>
    public IReadOnlyList<int>? FixedInputShape { get; private set; }

    /// <inheritdoc />
    /// <remarks>Clara built SegResnet as a static graph for the training crop, so it never supports <c>dynamic_input_shape</c>.</remarks>
    public InputContract InputContract => new()
    {
        InChannels = InChannels,
        SpatialDims = 3,
        Divisors = [Divisor(BlocksDown), Divisor(BlocksDown), Divisor(BlocksDown)],
        SupportsDynamicShape = false,
        FixedShape = FixedInputShape,
    };

    /// <inheritdoc />
    public void RecordInputShape(IReadOnlyList<int> spatialShape)
    {
        var contract = (InputContract with { FixedShape = null }).WithFixedShape(spatialShape);
        FixedInputShape = contract.FixedShape;
    }

    /// <summary>Every spatial input size must be a multiple of this: 2^(len(blocks_down) - 1).</summary>
    public static int Divisor(IReadOnlyList<int> blocksDown)
    {
        ArgumentNullException.ThrowIfNull(blocksDown);
        return 1 << (blocksDown.Count - 1);
    }

    /// <summary>Maps [B, in_channels, D, H, W] to [B, num_classes, D, H, W] probabilities (or logits for linear).</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckInput(x);
        using var scope = NewDisposeScope();
        var h = _convInit.call(x);
        if (_dropout is not null) h = _dropout.call(h);
        var skips = new List<Tensor>(_downLayers.Count);
        foreach (var down in _downLayers)
        {
            h = down.call(h);
            skips.Add(h);
        }
        // Decoder step i adds the encoder output one level shallower than its input: skips[^(i + 2)].
        for (var i = 0; i < _upSamples.Count; i++)
            h = _upLayers[i].call(_upSamples[i].call(h).PlusInPlace(skips[skips.Count - 2 - i]));
        // conv_final is norm → ReLU → 1×1 conv.
        h = _finalConv.call(SegResnetBlock.NormalizeAndActivate(_finalNorm, _finalAct, h));
        var output = _finalActivation switch
        {
            "softmax" => ChannelsLast.Holds(h) ? ChannelsLast.Softmax(h) : h.softmax(1),
            "sigmoid" => h.sigmoid(),
            _ => h,
        };
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var h = ModuleExport.Export(_convInit, graph, input);
        var skips = new List<string>(_downLayers.Count);
        foreach (var down in _downLayers)
        {
            h = ModuleExport.Export(down, graph, h);
            skips.Add(h);
        }
        for (var i = 0; i < _upSamples.Count; i++)
            h = ModuleExport.Export(_upLayers[i], graph, graph.Add(ModuleExport.Export(_upSamples[i], graph, h), skips[skips.Count - 2 - i]));
        h = ModuleExport.Export(_finalConv, graph, graph.Relu(ModuleExport.Export(_finalNorm, graph, h)));
        return _finalActivation switch
        {
            "softmax" => graph.Softmax(h),
            "sigmoid" => graph.Sigmoid(h),
            _ => h,
        };
    }

    /// <summary>MONAI's <c>Convolution(conv_only=True)</c>: a Sequential whose only child is "conv", padding k/2.</summary>
    internal static nn.Module<Tensor, Tensor> ConvOnly(long inChannels, long outChannels, long kernel, long stride, bool bias) =>
        nn.Sequential(("conv", ConvolutionLayer.Conv3d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: bias)));

    private static nn.Module<Tensor, Tensor> Deconv(long channels) =>
        nn.Sequential(("deconv", ConvolutionLayer.ConvTranspose3d(channels, channels, 2, stride: 2, bias: true)));

    private static nn.Module<Tensor, Tensor> GroupNorm(long groups, long channels) => new GroupNormLayer(groups, channels);

    private void CheckInput(Tensor x)
    {
        if (x.dim() != 5)
            throw new ArgumentException($"SegResnet expects a 5-D input [B, C, D, H, W]; got shape [{string.Join(", ", x.shape)}]", nameof(x));
        if (x.shape[1] != InChannels)
            throw new ArgumentException($"SegResnet was built for in_channels {InChannels}; the input has {x.shape[1]} channels", nameof(x));
        var divisor = Divisor(BlocksDown);
        for (var d = 2; d < 5; d++)
            if (x.shape[d] % divisor != 0)
                throw new ArgumentException(
                    $"SegResnet input spatial size {x.shape[d]} (dimension {d - 2} of [{string.Join(", ", x.shape.Skip(2))}]) is not a multiple of {divisor}; " +
                    $"with {BlocksDown.Count} encoder levels every spatial size must be a multiple of 2^({BlocksDown.Count}-1) = {divisor}", nameof(x));
        if (FixedInputShape is not null && !x.shape.Skip(2).Select(s => (int)s).SequenceEqual(FixedInputShape))
            throw new ArgumentException(
                $"SegResnet was built for input shape [{string.Join(", ", FixedInputShape)}] (its training crop) and has a fixed input shape; " +
                $"got [{string.Join(", ", x.shape.Skip(2))}]. Use roi_size [{string.Join(", ", FixedInputShape)}] or a dynamic-shape model such as SegAhnet", nameof(x));
    }

    private static void Validate(int numClasses, int inChannels, int[] blocksDown, int[] blocksUp, int initFilters, bool useGroupNorm,
        int groupNormGroups, bool useBatchNorm, double dropoutProb, string finalActivation, string upsampleMode, bool useVae)
    {
        if (useVae)
            throw new ConfigArgException("use_vae", "the VAE regularisation branch of SegResnet is not supported yet; set use_vae to false");
        if (numClasses < 1) throw new ConfigArgException("num_classes", $"must be at least 1; got {numClasses}");
        if (inChannels < 1) throw new ConfigArgException("in_channels", $"must be at least 1; got {inChannels}");
        if (initFilters < 1) throw new ConfigArgException("init_filters", $"must be at least 1; got {initFilters}");
        if (blocksDown.Length is < 1 or > 16)
            throw new ConfigArgException("blocks_down", $"needs 1 to 16 encoder levels; got {blocksDown.Length}");
        for (var i = 0; i < blocksDown.Length; i++)
            if (blocksDown[i] < 1) throw new ConfigArgException($"blocks_down[{i}]", $"must be at least 1; got {blocksDown[i]}");
        if (blocksUp.Length > blocksDown.Length - 1)
            throw new ConfigArgException("blocks_up",
                $"has {blocksUp.Length} decoder levels but {blocksDown.Length} encoder levels allow at most {blocksDown.Length - 1}");
        for (var i = 0; i < blocksUp.Length; i++)
            if (blocksUp[i] < 0) throw new ConfigArgException($"blocks_up[{i}]", $"must not be negative; got {blocksUp[i]}");
        if (blocksUp.Length != blocksDown.Length - 1)
            // MONAI allows a shorter decoder, but then the output is smaller than the input, which no Clara consumer expects.
            throw new ConfigArgException("blocks_up",
                $"needs exactly len(blocks_down) - 1 = {blocksDown.Length - 1} decoder levels so the output has the input's size; got {blocksUp.Length}");
        if ((long)initFilters << (blocksDown.Length - 1) > int.MaxValue)
            throw new ConfigArgException("init_filters", $"init_filters {initFilters} with {blocksDown.Length} levels overflows the channel count");
        if (useGroupNorm == useBatchNorm)
            throw new ConfigArgException(useGroupNorm ? "use_batch_norm" : "use_group_norm",
                "exactly one of use_group_norm and use_batch_norm must be true (SegResnet without normalisation is not supported)");
        if (useGroupNorm)
        {
            if (groupNormGroups < 1) throw new ConfigArgException("use_group_normG", $"must be at least 1; got {groupNormGroups}");
            // Level 0 has the fewest channels and every other level doubles it, so checking init_filters suffices.
            if (initFilters % groupNormGroups != 0)
                throw new ConfigArgException("use_group_normG",
                    $"init_filters {initFilters} (and every level's init_filters·2^i channels) must be divisible by the {groupNormGroups} groups");
        }
        if (!(dropoutProb >= 0 && dropoutProb < 1))
            throw new ConfigArgException("dropout_prob", $"must be in [0, 1); got {dropoutProb}");
        if (!FinalActivations.Contains(finalActivation))
            throw new ConfigArgException("final_activation", $"must be one of {string.Join(", ", FinalActivations)}; got '{finalActivation}'");
        if (!UpsampleModes.Contains(upsampleMode))
            throw new ConfigArgException("upsample_mode",
                $"must be one of {string.Join(", ", UpsampleModes)}; got '{upsampleMode}' (pixelshuffle is not supported yet)");
    }
}
