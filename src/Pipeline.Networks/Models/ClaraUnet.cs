using Pipeline.Networks.Layers;
using Pipeline.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Models;

/// <summary>Clara's <c>Unet</c> model: VoxelMorph's U-Net core (Dalca/Balakrishnan 2018) with a 1³ segmentation head, shaped by <c>nf_enc</c>/<c>nf_dec</c>.</summary>
/// <remarks>
/// <para>Layout, with L = len(nf_enc) and every conv block 3³ conv → optional norm → LeakyReLU(0.2) (<see cref="ClaraUnetConvBlock"/>):</para>
/// <list type="bullet">
/// <item><c>encoder.i</c> (i &lt; L): stride-2 conv block to nf_enc[i]; the encoder outputs are the skips, the input itself the shallowest.</item>
/// <item><c>decoder.i</c> (i &lt; L − 1): conv block to nf_dec[i] on the deepest features, nearest ×2 upsampling, concat
/// [upsampled, skip] with the encoder output one level shallower.</item>
/// <item><c>extra.j</c>: the remaining R = len(nf_dec) − L + 1 entries, plain conv blocks. The first
/// <see cref="HalfResolutionExtraConvs"/> = min(2, R − 1) run at half resolution; then nearest ×2 upsampling and concat
/// with the network input; the rest run at full resolution. For Clara's default (L = 4, 7 entries) this is VoxelMorph's
/// <c>unet_core(full_size=True)</c> exactly: nf_dec[3], nf_dec[4] at half resolution, up, concat input, nf_dec[5],
/// nf_dec[6]; with 6 entries it is VoxelMorph-1's decoder. Hence len(nf_dec) ≥ L + 1: at least one conv on each side of the
/// last upsampling.</item>
/// <item><c>output</c>: 1³ conv with bias to <c>num_classes</c>, then <c>final_activation</c> over channels.</item>
/// </list>
/// <para>State-dict names: <c>encoder.0.conv.weight</c>, <c>encoder.0.norm.weight</c> (BatchNorm adds <c>running_mean</c>,
/// <c>running_var</c>, <c>num_batches_tracked</c>), <c>decoder.2.conv.weight</c>, <c>extra.3.conv.weight</c>,
/// <c>output.weight</c>, <c>output.bias</c>; a conv has <c>.conv.bias</c> only when there is no norm.</para>
/// <para>Choices where Clara's TensorFlow code is not public: stride-2 convs pad like TensorFlow's <c>'same'</c> (see
/// <see cref="ClaraUnetConvBlock"/>); the norms take TensorFlow's defaults (BatchNorm eps 1e-3 and momentum 0.01, i.e. TF's
/// 0.99; GroupNorm eps 1e-6); <c>dropout_prob</c> is element-wise dropout on the deepest encoder features; kernels keep
/// torch's default initialisation, so <c>torch.random.manual_seed</c> makes it reproducible. Clara's <c>reg_weight</c>, a
/// TensorFlow L2 kernel regulariser, is kept as <see cref="RegularizationWeight"/> and applied by whoever adds
/// <see cref="RegularizationLoss"/> to the training loss.</para>
/// <para>Every spatial input size must be a multiple of <see cref="Divisor"/> = 2^L (16 for Clara's default); the graph is
/// fully convolutional, so the shape may change between calls (Clara's <c>dynamic_input_shape</c>).</para>
/// </remarks>
[Component(ComponentKind.Model, "Unet")]
public sealed class ClaraUnet : nn.Module<Tensor, Tensor>, INetwork, IRegularizedNetwork, IExportable
{
    private const string DisplayName = "Unet";
    private const int MaxEncoderLevels = 15;
    private static readonly string[] FinalActivations = ["softmax", "sigmoid", "linear"];
    private static readonly string[] DataFormats = ["channels_first"];
    private static readonly double[] UpsampleScale = [2.0, 2.0, 2.0];

    private readonly ModuleList<ClaraUnetConvBlock> _encoder;
    private readonly ModuleList<ClaraUnetConvBlock> _decoder;
    private readonly ModuleList<ClaraUnetConvBlock> _extra;
    private readonly ConvolutionLayer _output;
    private readonly nn.Module<Tensor, Tensor>? _dropout;
    private readonly string _finalActivation;

    /// <summary>Builds the network; every arg is validated and reported as a <see cref="ConfigArgException"/>.</summary>
    /// <param name="numClasses">Output channels.</param>
    /// <param name="nfEnc">Encoder widths, one stride-2 conv each (Clara: the string "32,64,64,64"); the count L sets <see cref="Divisor"/>.</param>
    /// <param name="nfDec">Decoder widths (Clara: "64,64,64,64,64,32,32"); at least L + 1 entries, see the class remarks.</param>
    /// <param name="useBatchNorm">BatchNorm after every 3³ conv.</param>
    /// <param name="useGroupNorm">GroupNorm after every 3³ conv (not together with BatchNorm).</param>
    /// <param name="groupNormGroups">GroupNorm groups; every nf_enc and nf_dec width must be divisible by it.</param>
    /// <param name="finalActivation">softmax or sigmoid over channels, or linear for raw logits.</param>
    /// <param name="inChannels">Input channels. Clara inferred this from the data; here it must be given when it is not 1.</param>
    /// <param name="dropoutProb">Dropout on the deepest encoder features during training; 0 disables it.</param>
    /// <param name="dataFormat">Only channels_first, the layout of every tensor here.</param>
    /// <param name="regWeight">Clara's L2 kernel regularisation weight; see <see cref="RegularizationLoss"/>.</param>
    public ClaraUnet(int numClasses, int[]? nfEnc = null, int[]? nfDec = null, bool useBatchNorm = false, bool useGroupNorm = false,
        [Arg("use_group_normG")] int groupNormGroups = 8, string finalActivation = "softmax", int inChannels = 1,
        double dropoutProb = 0.0, string dataFormat = "channels_first", double regWeight = 0.0)
        : base(nameof(ClaraUnet))
    {
        nfEnc ??= [32, 64, 64, 64];
        nfDec ??= [64, 64, 64, 64, 64, 32, 32];
        Validate(numClasses, nfEnc, nfDec, useBatchNorm, useGroupNorm, groupNormGroups, finalActivation, inChannels, dropoutProb,
            dataFormat, regWeight);
        NumClasses = numClasses;
        InChannels = inChannels;
        EncoderFilters = [.. nfEnc];
        DecoderFilters = [.. nfDec];
        RegularizationWeight = regWeight;
        _finalActivation = finalActivation;

        Func<long, nn.Module<Tensor, Tensor>>? norm =
            useBatchNorm ? c => new BatchNormLayer(3, c, eps: 1e-3, momentum: 0.01)
            : useGroupNorm ? c => GroupNorm(groupNormGroups, c)
            : null;

        var levels = nfEnc.Length;
        _encoder = new ModuleList<ClaraUnetConvBlock>();
        long channels = inChannels;
        foreach (var width in nfEnc)
        {
            _encoder.append(new ClaraUnetConvBlock(channels, width, downsample: true, norm));
            channels = width;
        }

        _decoder = new ModuleList<ClaraUnetConvBlock>();
        for (var i = 0; i < levels - 1; i++)
        {
            _decoder.append(new ClaraUnetConvBlock(channels, nfDec[i], downsample: false, norm));
            // The upsampled features are concatenated with the encoder output of the next shallower level.
            channels = nfDec[i] + nfEnc[levels - 2 - i];
        }

        _extra = new ModuleList<ClaraUnetConvBlock>();
        var halfResolution = HalfResolutionExtraConvs(levels, nfDec.Length);
        for (var j = 0; j < nfDec.Length - (levels - 1); j++)
        {
            if (j == halfResolution) channels += inChannels;
            var width = nfDec[levels - 1 + j];
            _extra.append(new ClaraUnetConvBlock(channels, width, downsample: false, norm));
            channels = width;
        }

        _output = ConvolutionLayer.Conv3d(channels, numClasses, 1, bias: true);
        if (dropoutProb > 0) _dropout = nn.Dropout(dropoutProb);

        register_module("encoder", _encoder);
        register_module("decoder", _decoder);
        register_module("extra", _extra);
        register_module("output", _output);
        if (_dropout is not null) register_module("dropout", _dropout);
    }

    /// <summary>Does nothing: children are registered by hand under their state-dict names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name (<c>_encoder</c>, <c>_output</c>, …).</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Output channels.</summary>
    public int NumClasses { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Encoder widths (<c>nf_enc</c>), shallowest first.</summary>
    public IReadOnlyList<int> EncoderFilters { get; }

    /// <summary>Decoder widths (<c>nf_dec</c>), in application order.</summary>
    public IReadOnlyList<int> DecoderFilters { get; }

    /// <summary>Clara's <c>reg_weight</c>: the factor of <see cref="RegularizationLoss"/>; 0 turns the regulariser off.</summary>
    public double RegularizationWeight { get; }

    /// <inheritdoc />
    public InputContract InputContract => InputContract.MultipleOf(InChannels, 3, Divisor(EncoderFilters.Count));

    /// <summary>Every spatial input size must be a multiple of this: 2^len(nf_enc), one halving per encoder conv.</summary>
    public static int Divisor(int encoderLevels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(encoderLevels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(encoderLevels, MaxEncoderLevels);
        return 1 << encoderLevels;
    }

    /// <summary>How many of the <c>extra</c> convs run before the last upsampling: min(2, R − 1) of the R = len(nf_dec) − len(nf_enc) + 1 that follow the skip levels.</summary>
    /// <remarks>VoxelMorph always puts two convs at half resolution and lets the full-resolution tail vary; with only two
    /// extra convs, one goes on each side so the output still passes a conv after the input skip.</remarks>
    public static int HalfResolutionExtraConvs(int encoderLevels, int decoderLength)
    {
        var remaining = decoderLength - (encoderLevels - 1);
        if (encoderLevels < 1 || remaining < 2)
            throw new ArgumentException($"{decoderLength} decoder widths do not fit {encoderLevels} encoder levels; at least {encoderLevels + 1} are needed");
        return Math.Min(2, remaining - 1);
    }

    /// <inheritdoc />
    /// <remarks>Biases and norm parameters are not penalised, as in Clara's <c>kernel_regularizer</c>.</remarks>
    public Tensor RegularizationLoss() => Regularization.KernelL2Penalty.Of(this, RegularizationWeight);

    /// <summary>Maps [B, in_channels, D, H, W] to [B, num_classes, D, H, W] probabilities (or logits for linear).</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        InputContract.CheckInput(x, DisplayName);
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>(_encoder.Count + 1) { x };
        foreach (var block in _encoder) skips.Add(block.call(skips[^1]));

        var h = skips[^1];
        if (_dropout is not null) h = _dropout.call(h);
        // Decoder step i restores the level one shallower than its input: skips[^(i + 2)].
        for (var i = 0; i < _decoder.Count; i++)
            h = torch.cat([Upsample(_decoder[i].call(h)), skips[^(i + 2)]], 1);

        var halfResolution = HalfResolutionExtraConvs(_encoder.Count, DecoderFilters.Count);
        for (var j = 0; j < _extra.Count; j++)
        {
            if (j == halfResolution) h = torch.cat([Upsample(h), x], 1);
            h = _extra[j].call(h);
        }

        h = _output.call(h);
        var output = _finalActivation switch
        {
            "softmax" => h.softmax(1),
            "sigmoid" => h.sigmoid(),
            _ => h,
        };
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var skips = new List<string>(_encoder.Count + 1) { input };
        foreach (var block in _encoder) skips.Add(block.Export(graph, skips[^1]));

        // Dropout passes its input through at inference.
        var h = skips[^1];
        for (var i = 0; i < _decoder.Count; i++)
            h = graph.Concat(graph.DoubleSizeNearest(_decoder[i].Export(graph, h), 3, "upsample"), skips[^(i + 2)]);

        var halfResolution = HalfResolutionExtraConvs(_encoder.Count, DecoderFilters.Count);
        for (var j = 0; j < _extra.Count; j++)
        {
            if (j == halfResolution) h = graph.Concat(graph.DoubleSizeNearest(h, 3, "upsample"), input);
            h = _extra[j].Export(graph, h);
        }

        h = _output.Export(graph, h);
        return _finalActivation switch
        {
            "softmax" => graph.Softmax(h),
            "sigmoid" => graph.Sigmoid(h),
            _ => h,
        };
    }

    // VoxelMorph's UpSampling3D: nearest neighbour, each voxel repeated twice along every axis.
    private static Tensor Upsample(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: UpsampleScale, mode: InterpolationMode.Nearest);

    private static GroupNormLayer GroupNorm(long groups, long channels) => new(groups, channels, eps: 1e-6);

    private static void Validate(int numClasses, int[] nfEnc, int[] nfDec, bool useBatchNorm, bool useGroupNorm, int groupNormGroups,
        string finalActivation, int inChannels, double dropoutProb, string dataFormat, double regWeight)
    {
        if (numClasses < 1) throw new ConfigArgException("num_classes", $"must be at least 1; got {numClasses}");
        if (inChannels < 1) throw new ConfigArgException("in_channels", $"must be at least 1; got {inChannels}");
        if (!DataFormats.Contains(dataFormat))
            throw new ConfigArgException("data_format", $"must be channels_first (tensors here are always [B, C, D, H, W]); got '{dataFormat}'");
        if (nfEnc.Length is < 1 or > MaxEncoderLevels)
            throw new ConfigArgException("nf_enc", $"needs 1 to {MaxEncoderLevels} comma-separated widths (e.g. \"32,64,64,64\"); got {nfEnc.Length}");
        for (var i = 0; i < nfEnc.Length; i++)
            if (nfEnc[i] < 1) throw new ConfigArgException($"nf_enc[{i}]", $"must be at least 1; got {nfEnc[i]}");
        if (nfDec.Length < nfEnc.Length + 1)
            throw new ConfigArgException("nf_dec",
                $"has {nfDec.Length} widths but the {nfEnc.Length} encoder levels of nf_enc need at least {nfEnc.Length + 1}: " +
                $"{nfEnc.Length - 1} for the upsampling steps back to half resolution, then at least one conv at half and one at full resolution " +
                "(Clara's default pairs nf_enc \"32,64,64,64\" with nf_dec \"64,64,64,64,64,32,32\")");
        for (var i = 0; i < nfDec.Length; i++)
            if (nfDec[i] < 1) throw new ConfigArgException($"nf_dec[{i}]", $"must be at least 1; got {nfDec[i]}");
        if (useBatchNorm && useGroupNorm)
            throw new ConfigArgException("use_group_norm", "use_batch_norm and use_group_norm cannot both be true; choose one normalisation (or neither)");
        if (useGroupNorm)
        {
            if (groupNormGroups < 1) throw new ConfigArgException("use_group_normG", $"must be at least 1; got {groupNormGroups}");
            var widths = nfEnc.Select((w, i) => ($"nf_enc[{i}]", w)).Concat(nfDec.Select((w, i) => ($"nf_dec[{i}]", w)));
            foreach (var (name, width) in widths)
                if (width % groupNormGroups != 0)
                    throw new ConfigArgException("use_group_normG",
                        $"{name} = {width} is not divisible by the {groupNormGroups} groups; every nf_enc and nf_dec width must be a multiple of use_group_normG");
        }
        if (!(dropoutProb >= 0 && dropoutProb < 1))
            throw new ConfigArgException("dropout_prob", $"must be in [0, 1); got {dropoutProb}");
        if (!FinalActivations.Contains(finalActivation))
            throw new ConfigArgException("final_activation", $"must be one of {string.Join(", ", FinalActivations)}; got '{finalActivation}'");
        if (!double.IsFinite(regWeight) || regWeight < 0)
            throw new ConfigArgException("reg_weight", $"must be a finite number ≥ 0; got {regWeight}");
    }
}
