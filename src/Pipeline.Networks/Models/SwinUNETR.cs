using Pipeline.Networks.Export;
using Pipeline.Networks.Layers;
using Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>MONAI's <c>SwinUNETR</c> (Hatamizadeh et al. 2022): a Swin-transformer encoder with a residual CNN decoder, as in MONAI 1.5.</summary>
/// <remarks>
/// The module tree, and so every state-dict key, is MONAI's: <c>swinViT.patch_embed.proj.weight</c>,
/// <c>swinViT.layers1.0.blocks.0.attn.qkv.weight</c>, <c>….attn.relative_position_bias_table</c>, the persistent int64
/// buffer <c>….attn.relative_position_index</c>, <c>swinViT.layers1.0.downsample.reduction.weight</c>,
/// <c>encoder1.layer.conv1.conv.weight</c>, <c>decoder5.transp_conv.conv.weight</c>, <c>out.conv.conv.weight</c>, … so a MONAI
/// <c>state_dict()</c> exported to safetensors loads by name with <see cref="Weights.StateDictLoader"/>.
/// MONAI returns logits; here <c>final_activation</c> (softmax by default) turns them into probabilities like the other
/// models of this framework. MONAI ≤ 1.4 concatenated PatchMerging's sub-grids in a different (duplicate-entry) order; weights
/// trained with those versions need <c>patch_merging_order: "legacy"</c> to reproduce their outputs.
/// Every spatial size of the input must be a multiple of patch_size^5 = 32; any such size is accepted (dynamic shape).
/// Parameters start like MONAI's: torch's default Linear/Conv init and trunc-normal (std 0.02) bias tables, all drawn
/// from torch's global generator so <c>torch.random.manual_seed</c> makes them reproducible.
/// </remarks>
[Component(ComponentKind.Model, "SwinUNETR")]
public sealed class SwinUNETR : nn.Module<Tensor, Tensor>, INetwork, ISizedExportable
{
    private static readonly string[] FinalActivations = ["softmax", "sigmoid", "linear"];
    private static readonly string[] MergingOrders = ["monai15", "legacy"];
    private static readonly string[] Downsamples = ["merging", "mergingv2"];

    private readonly SwinTransformer _swinViT;
    private readonly nn.Module<Tensor, Tensor> _encoder1;
    private readonly nn.Module<Tensor, Tensor> _encoder2;
    private readonly nn.Module<Tensor, Tensor> _encoder3;
    private readonly nn.Module<Tensor, Tensor> _encoder4;
    private readonly nn.Module<Tensor, Tensor> _encoder10;
    private readonly UnetrUpBlock _decoder5;
    private readonly UnetrUpBlock _decoder4;
    private readonly UnetrUpBlock _decoder3;
    private readonly UnetrUpBlock _decoder2;
    private readonly UnetrUpBlock _decoder1;
    private readonly nn.Module<Tensor, Tensor> _out;
    private readonly string _finalActivation;

    /// <summary>Builds the network; every arg is validated and reported as a <see cref="ConfigArgException"/>.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels (classes).</param>
    /// <param name="featureSize">Embedding width; stage i has feature_size·2^i channels. Must be divisible by 12. Default 48, the BTCV configuration of MONAI's tutorials and model zoo (MONAI's own default is 24).</param>
    /// <param name="depths">Swin blocks per stage, exactly four stages (Clara-style string "2,2,2,2").</param>
    /// <param name="numHeads">Attention heads per stage ("3,6,12,24"); each must divide its stage's channel count.</param>
    /// <param name="windowSize">Attention window edge, the same on every axis.</param>
    /// <param name="patchSize">Patch-embedding stride; only 2 is supported.</param>
    /// <param name="qkvBias">Bias in the query/key/value projection.</param>
    /// <param name="mlpRatio">MLP hidden width over the stage width.</param>
    /// <param name="normName">Normalisation of the CNN blocks; only "instance" (MONAI's default) is supported.</param>
    /// <param name="dropRate">Dropout after the patch embedding, the attention projection and in the MLPs.</param>
    /// <param name="attnDropRate">Dropout on the attention weights.</param>
    /// <param name="dropoutPathRate">Largest stochastic-depth rate; rates rise linearly from 0 over all blocks.</param>
    /// <param name="normalize">Parameter-free LayerNorm over channels on every hidden state handed to the decoder.</param>
    /// <param name="spatialDims">Spatial rank; only 3 is supported.</param>
    /// <param name="useV2">SwinUNETR-v2: a residual conv block before every Swin stage.</param>
    /// <param name="downsample">"merging" (MONAI's default) or "mergingv2" (lexicographic sub-grid order).</param>
    /// <param name="patchMergingOrder">For downsample "merging": "monai15" (MONAI ≥ 1.5) or "legacy" (MONAI ≤ 1.4 checkpoints).</param>
    /// <param name="finalActivation">softmax or sigmoid over channels, or linear for MONAI's raw logits.</param>
    /// <param name="imgSize">MONAI's deprecated <c>img_size</c>: only checked (every entry a multiple of 32), never used.</param>
    /// <param name="patchNorm">LayerNorm after the patch embedding; only MONAI's default false is supported.</param>
    /// <param name="useCheckpoint">MONAI's gradient checkpointing; accepted for config compatibility, it changes memory use only and is not applied.</param>
    public SwinUNETR(int outChannels, int inChannels = 1, int featureSize = 48, int[]? depths = null, int[]? numHeads = null,
        int windowSize = 7, int patchSize = 2, bool qkvBias = true, double mlpRatio = 4.0, string normName = "instance",
        double dropRate = 0.0, double attnDropRate = 0.0, double dropoutPathRate = 0.0, bool normalize = true, int spatialDims = 3,
        bool useV2 = false, string downsample = "merging", string patchMergingOrder = "monai15", string finalActivation = "softmax",
        int[]? imgSize = null, bool patchNorm = false, bool useCheckpoint = false)
        : base(nameof(SwinUNETR))
    {
        depths ??= [2, 2, 2, 2];
        numHeads ??= [3, 6, 12, 24];
        Validate(outChannels, inChannels, featureSize, depths, numHeads, windowSize, patchSize, mlpRatio, normName, dropRate, attnDropRate,
            dropoutPathRate, spatialDims, downsample, patchMergingOrder, finalActivation, imgSize, patchNorm);
        _ = useCheckpoint;
        InChannels = inChannels;
        OutChannels = outChannels;
        FeatureSize = featureSize;
        PatchSize = patchSize;
        MergingOrder = downsample == "mergingv2" ? SwinPatchMergingOrder.Lexicographic
            : patchMergingOrder == "legacy" ? SwinPatchMergingOrder.Legacy : SwinPatchMergingOrder.Monai15;
        _finalActivation = finalActivation;

        long f = featureSize;
        _swinViT = new SwinTransformer(inChannels, f, windowSize, patchSize, depths, numHeads, mlpRatio, qkvBias, dropRate, attnDropRate,
            dropoutPathRate, normalize, useV2, MergingOrder);
        _encoder1 = SwinTransformer.UnetrBasicBlock(inChannels, f);
        _encoder2 = SwinTransformer.UnetrBasicBlock(f, f);
        _encoder3 = SwinTransformer.UnetrBasicBlock(2 * f, 2 * f);
        _encoder4 = SwinTransformer.UnetrBasicBlock(4 * f, 4 * f);
        _encoder10 = SwinTransformer.UnetrBasicBlock(16 * f, 16 * f);
        _decoder5 = new UnetrUpBlock(16 * f, 8 * f);
        _decoder4 = new UnetrUpBlock(8 * f, 4 * f);
        _decoder3 = new UnetrUpBlock(4 * f, 2 * f);
        _decoder2 = new UnetrUpBlock(2 * f, f);
        _decoder1 = new UnetrUpBlock(f, f);
        _out = nn.Sequential(("conv", nn.Sequential(("conv", ConvolutionLayer.Conv3d(f, outChannels, 1, bias: true)))));

        register_module("swinViT", _swinViT);
        register_module("encoder1", _encoder1);
        register_module("encoder2", _encoder2);
        register_module("encoder3", _encoder3);
        register_module("encoder4", _encoder4);
        register_module("encoder10", _encoder10);
        register_module("decoder5", _decoder5);
        register_module("decoder4", _decoder4);
        register_module("decoder3", _decoder3);
        register_module("decoder2", _decoder2);
        register_module("decoder1", _decoder1);
        register_module("out", _out);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name.</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Embedding width of the first stage.</summary>
    public int FeatureSize { get; }

    /// <summary>Patch-embedding stride (2).</summary>
    public int PatchSize { get; }

    /// <summary>The PatchMerging sub-grid order in use.</summary>
    public SwinPatchMergingOrder MergingOrder { get; }

    /// <summary>Every spatial input size must be a multiple of this: patch_size^5 (32).</summary>
    public int Divisor => (int)Math.Pow(PatchSize, 5);

    /// <inheritdoc />
    public InputContract InputContract => InputContract.MultipleOf(InChannels, 3, Divisor);

    /// <summary>Maps [B, in_channels, D, H, W] to [B, out_channels, D, H, W] probabilities (or logits for linear).</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        InputContract.CheckInput(x, nameof(SwinUNETR));
        using var scope = NewDisposeScope();
        var hidden = _swinViT.call(x);
        var enc0 = _encoder1.call(x);
        var enc1 = _encoder2.call(hidden[0]);
        var enc2 = _encoder3.call(hidden[1]);
        var enc3 = _encoder4.call(hidden[2]);
        var dec4 = _encoder10.call(hidden[4]);
        var dec3 = _decoder5.call(dec4, hidden[3]);
        var dec2 = _decoder4.call(dec3, enc3);
        var dec1 = _decoder3.call(dec2, enc2);
        var dec0 = _decoder2.call(dec1, enc1);
        var logits = _out.call(_decoder1.call(dec0, enc0));
        var output = _finalActivation switch
        {
            "softmax" => logits.softmax(1),
            "sigmoid" => logits.sigmoid(),
            _ => logits,
        };
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Writes the network for inputs of one spatial size: window fitting, padding and the shift masks all follow from it.</summary>
    /// <exception cref="ExportNotSupportedException">The size breaks the input contract.</exception>
    public string Export(IGraphBuilder graph, string input, IReadOnlyList<long> spatialShape)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(spatialShape);
        if (InputContract.ExplainSize([.. spatialShape.Select(s => (int)s)]) is { } problem)
            throw new ExportNotSupportedException($"SwinUNETR cannot be exported for [{string.Join(", ", spatialShape)}]: {problem}");
        var hidden = _swinViT.Export(graph, input, spatialShape);
        var enc0 = ModuleExport.Export(_encoder1, graph, input);
        var enc1 = ModuleExport.Export(_encoder2, graph, hidden[0]);
        var enc2 = ModuleExport.Export(_encoder3, graph, hidden[1]);
        var enc3 = ModuleExport.Export(_encoder4, graph, hidden[2]);
        var dec4 = ModuleExport.Export(_encoder10, graph, hidden[4]);
        var dec3 = _decoder5.Export(graph, dec4, hidden[3]);
        var dec2 = _decoder4.Export(graph, dec3, enc3);
        var dec1 = _decoder3.Export(graph, dec2, enc2);
        var dec0 = _decoder2.Export(graph, dec1, enc1);
        var logits = ModuleExport.Export(_out, graph, _decoder1.Export(graph, dec0, enc0));
        return _finalActivation switch
        {
            "softmax" => graph.Softmax(logits),
            "sigmoid" => graph.Sigmoid(logits),
            _ => logits,
        };
    }

    private static void Validate(int outChannels, int inChannels, int featureSize, int[] depths, int[] numHeads, int windowSize, int patchSize,
        double mlpRatio, string normName, double dropRate, double attnDropRate, double dropoutPathRate, int spatialDims, string downsample,
        string patchMergingOrder, string finalActivation, int[]? imgSize, bool patchNorm)
    {
        if (spatialDims != 3)
            throw new ConfigArgException("spatial_dims", $"only 3 is supported (2-D SwinUNETR is not implemented); got {spatialDims}");
        if (outChannels < 1) throw new ConfigArgException("out_channels", $"must be at least 1; got {outChannels}");
        if (inChannels < 1) throw new ConfigArgException("in_channels", $"must be at least 1; got {inChannels}");
        if (featureSize < 12 || featureSize % 12 != 0)
            throw new ConfigArgException("feature_size", $"must be a positive multiple of 12 (e.g. 24 or 48); got {featureSize}");
        if (patchSize != 2)
            throw new ConfigArgException("patch_size", $"only 2 is supported (MONAI's default; the decoder assumes stride-2 steps); got {patchSize}");
        if (depths.Length != 4)
            throw new ConfigArgException("depths", $"needs exactly 4 stages (SwinUNETR's decoder reads four Swin stages); got {depths.Length}");
        for (var i = 0; i < depths.Length; i++)
            if (depths[i] < 1) throw new ConfigArgException($"depths[{i}]", $"must be at least 1; got {depths[i]}");
        if (numHeads.Length != 4)
            throw new ConfigArgException("num_heads", $"needs one head count per stage, exactly 4; got {numHeads.Length}");
        for (var i = 0; i < numHeads.Length; i++)
        {
            var dim = (long)featureSize << i;
            if (numHeads[i] < 1) throw new ConfigArgException($"num_heads[{i}]", $"must be at least 1; got {numHeads[i]}");
            if (dim % numHeads[i] != 0)
                throw new ConfigArgException($"num_heads[{i}]",
                    $"{numHeads[i]} heads do not divide stage {i}'s {dim} channels (feature_size·2^{i}); use a divisor of {dim}");
        }
        if (windowSize < 1 || windowSize > 64) throw new ConfigArgException("window_size", $"must be between 1 and 64; got {windowSize}");
        if (!double.IsFinite(mlpRatio) || mlpRatio <= 0 || (long)(featureSize * mlpRatio) < 1)
            throw new ConfigArgException("mlp_ratio", $"must be a positive number giving an MLP at least 1 wide; got {mlpRatio}");
        if (!string.Equals(normName, "instance", StringComparison.OrdinalIgnoreCase))
            throw new ConfigArgException("norm_name", $"only \"instance\" (MONAI's default) is supported; got '{normName}'");
        CheckRate("drop_rate", dropRate);
        CheckRate("attn_drop_rate", attnDropRate);
        CheckRate("dropout_path_rate", dropoutPathRate);
        if (!Downsamples.Contains(downsample))
            throw new ConfigArgException("downsample", $"must be one of {string.Join(", ", Downsamples)}; got '{downsample}'");
        if (!MergingOrders.Contains(patchMergingOrder))
            throw new ConfigArgException("patch_merging_order",
                $"must be \"monai15\" (MONAI ≥ 1.5, default) or \"legacy\" (weights trained with MONAI ≤ 1.4); got '{patchMergingOrder}'");
        if (downsample == "mergingv2" && patchMergingOrder != "monai15")
            throw new ConfigArgException("patch_merging_order", "applies to downsample \"merging\" only; mergingv2 has a single order");
        if (!FinalActivations.Contains(finalActivation))
            throw new ConfigArgException("final_activation", $"must be one of {string.Join(", ", FinalActivations)}; got '{finalActivation}'");
        if (patchNorm) throw new ConfigArgException("patch_norm", "only false (MONAI's default) is supported");
        if (imgSize is not null)
        {
            if (imgSize.Length is not (1 or 3))
                throw new ConfigArgException("img_size", $"needs 1 or 3 sizes; got {imgSize.Length}");
            var divisor = (int)Math.Pow(patchSize, 5);
            for (var i = 0; i < imgSize.Length; i++)
                if (imgSize[i] < divisor || imgSize[i] % divisor != 0)
                    throw new ConfigArgException($"img_size[{i}]",
                        $"must be a positive multiple of patch_size^5 = {divisor}; got {imgSize[i]} (img_size is deprecated and only checked)");
        }
    }

    private static void CheckRate(string arg, double rate)
    {
        if (!(rate >= 0 && rate <= 1)) throw new ConfigArgException(arg, $"must be between 0 and 1; got {rate}");
    }
}
