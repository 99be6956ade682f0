using Pipeline.Native;
using Pipeline.Components;
using Pipeline.Networks.Export;
using Pipeline.Networks.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Pipeline.Networks.Models.SegAhnetLayers;

namespace Pipeline.Networks.Models;

/// <summary>Clara's <c>SegAhnet</c> model: MONAI's AHNet (Anisotropic Hybrid Network, Liu et al. 2018), a ResNet-50-style encoder with in-plane 3×3×1 kernels and a dense pseudo-3D decoder.</summary>
/// <remarks>
/// Output is channels-first probabilities after <c>final_activation</c>, as Clara models emit (MONAI's AHNet returns
/// logits). Child names follow MONAI's <c>AHNet.state_dict()</c> keys (<c>conv1.weight</c>, <c>bn0.running_var</c>,
/// <c>layer2.0.downsample.2.weight</c>, <c>up0.up.weight</c>, <c>dense0.denselayer1.conv2.weight</c>,
/// <c>trans1.conv.weight</c>, <c>psp.project_modules.0.bias</c>, <c>final.conv.weight</c>, …), so MONAI weights exported
/// to safetensors load by name with <see cref="StateDictLoader"/>.
/// MONAI's AHNet always treats the last spatial axis as the anisotropic (through-plane) one; Clara's <c>plane</c> names
/// it instead, and the input is permuted so that axis comes last, then the output is permuted back.
/// Legal sizes (<see cref="InputContract"/>): every axis a multiple of 32; with PSP, the in-plane axes a multiple of 128
/// in transpose mode or at least 128 in interpolation modes. Training with batch size 1 additionally needs one axis of
/// at least 64, or the deepest BatchNorm sees a single value per channel (MONAI's docstring states the same rule).
/// </remarks>
[Component(ComponentKind.Model, "SegAhnet")]
public sealed class SegAhnet : nn.Module<Tensor, Tensor>, INetwork, IExportable
{
    /// <summary>Every spatial size is a multiple of this: five stride-2 stages.</summary>
    public const int BaseDivisor = 32;

    /// <summary>PSP branches when <c>if_use_psp</c> is true (MONAI's default psp_block_num).</summary>
    public const int PspBranches = 4;

    private static readonly string[] FinalActivations = ["softmax", "sigmoid", "linear"];
    private static readonly string[] UpsampleModes = ["transpose", "trilinear", "bilinear", "nearest"];
    private static readonly string[] Planes = ["z", "x", "y"];

    private readonly nn.Module<Tensor, Tensor> _conv1;
    private readonly nn.Module<Tensor, Tensor> _pool1;
    private readonly nn.Module<Tensor, Tensor> _bn0;
    private readonly nn.Module<Tensor, Tensor> _maxpool;
    private readonly nn.Module<Tensor, Tensor>[] _encoder;
    private readonly nn.Module<Tensor, Tensor> _up0, _dense0, _up1, _dense1, _up2, _dense2, _trans1, _dense3, _up3, _dense4;
    private readonly SegAhnetPyramidPooling _psp;
    private readonly nn.Module<Tensor, Tensor> _final;
    private readonly long[]? _toNetworkOrder;
    private readonly long[]? _toInputOrder;

    /// <summary>Builds the network; every arg is validated and reported as a <see cref="ConfigArgException"/>.</summary>
    /// <param name="numClasses">Output channels.</param>
    /// <param name="inChannels">Input channels. Clara inferred this from the data; here it must be given when it is not 1.</param>
    /// <param name="ifUsePsp">Adds the pyramid volumetric pooling branch (MONAI psp_block_num 4) before the final layer.</param>
    /// <param name="plane">The anisotropic (through-plane) axis of [B, C, i, j, k]: z = k (last), x = i, y = j. In 2D ([B, C, i, j]) z and y both name j.</param>
    /// <param name="finalActivation">softmax or sigmoid over channels, or linear for raw logits.</param>
    /// <param name="nSpatialDim">3 for volumes; 2 for MONAI's 2D AHNet on [B, C, i, j].</param>
    /// <param name="upsampleMode">transpose (learned, MONAI's default), trilinear/bilinear (either name: linear interpolation of the network's rank), or nearest.</param>
    /// <param name="pretrainWeightName">Optional torchvision ResNet-50 state dict as safetensors, transferred into the encoder as MONAI's AHNet does (3D only).</param>
    /// <param name="pretrainWeightUrl">Clara's download URL for the weights; not supported (no network access), so only null is accepted.</param>
    /// <param name="dtype">Clara's TensorFlow dtype; only float32 is accepted (reduced precision is the trainer's use_amp).</param>
    /// <param name="dataFormat">Clara's tensor layout; only channels_first is accepted.</param>
    /// <param name="layers">Bottleneck blocks in layer1…layer4 (Clara/MONAI style "3,4,6,3").</param>
    public SegAhnet(int numClasses, int inChannels = 1, bool ifUsePsp = false, string plane = "z", string finalActivation = "softmax",
        int nSpatialDim = 3, string upsampleMode = "transpose", [ExistingFile] string? pretrainWeightName = null,
        string? pretrainWeightUrl = null, string? dtype = null, string dataFormat = "channels_first", int[]? layers = null)
        : base(nameof(SegAhnet))
    {
        layers ??= [3, 4, 6, 3];
        Validate(numClasses, inChannels, plane, finalActivation, nSpatialDim, upsampleMode, pretrainWeightName, pretrainWeightUrl,
            dtype, dataFormat, layers);
        var dims = nSpatialDim;
        NumClasses = numClasses;
        InChannels = inChannels;
        SpatialDims = dims;
        UsesPsp = ifUsePsp;
        FinalActivation = finalActivation;
        Layers = [.. layers];
        Upsampling = upsampleMode switch
        {
            "transpose" => SegAhnetUpsampling.Transpose,
            "nearest" => SegAhnetUpsampling.Nearest,
            _ => SegAhnetUpsampling.Linear,
        };
        AnisotropicAxis = plane switch { "x" => 0, "y" => 1, _ => dims - 1 };
        if (AnisotropicAxis != dims - 1)
        {
            var order = Enumerable.Range(0, dims + 2).Where(a => a != AnisotropicAxis + 2).Append(AnisotropicAxis + 2).Select(a => (long)a).ToArray();
            _toNetworkOrder = order;
            _toInputOrder = Enumerable.Range(0, dims + 2).Select(a => (long)Array.IndexOf(order, a)).ToArray();
        }

        _conv1 = Conv(dims, inChannels, 64, Last(dims, 7, 7, 3), Last(dims, 2, 2, 1), Last(dims, 3, 3, 1));
        _pool1 = MaxPool(dims, Last(dims, 1, 1, 2), Last(dims, 1, 1, 2));
        _bn0 = BatchNorm(dims, 64);
        var two = Enumerable.Repeat(2L, dims).ToArray();
        // MONAI picks kernel = stride in transpose/nearest modes for deterministic backward passes.
        _maxpool = Upsampling == SegAhnetUpsampling.Linear
            ? MaxPool(dims, Enumerable.Repeat(3L, dims).ToArray(), two, Enumerable.Repeat(1L, dims).ToArray())
            : MaxPool(dims, two, two);

        _encoder = new nn.Module<Tensor, Tensor>[4];
        long inPlanes = 64;
        for (var i = 0; i < 4; i++)
        {
            long planes = 64L << i;
            long stride = i == 0 ? 1 : 2;
            var layer = nn.Sequential();
            for (var b = 0; b < layers[i]; b++)
            {
                var first = b == 0;
                layer.append(new SegAhnetBottleneck(dims, inPlanes, planes, first ? stride : 1,
                    withDownsample: first && (stride != 1 || inPlanes != planes * SegAhnetBottleneck.Expansion)));
                inPlanes = planes * SegAhnetBottleneck.Expansion;
            }
            _encoder[i] = layer;
        }

        const int dense = SegAhnetDecoderBlocks.Layers * SegAhnetDecoderBlocks.Growth;
        _up0 = SegAhnetDecoderBlocks.UpTransition(dims, 2048, 1024, Upsampling);
        _dense0 = SegAhnetDecoderBlocks.DenseBlock(dims, 1024);
        _up1 = SegAhnetDecoderBlocks.UpTransition(dims, 1024 + dense, 512, Upsampling);
        _dense1 = SegAhnetDecoderBlocks.DenseBlock(dims, 512);
        _up2 = SegAhnetDecoderBlocks.UpTransition(dims, 512 + dense, 256, Upsampling);
        _dense2 = SegAhnetDecoderBlocks.DenseBlock(dims, 256);
        _trans1 = SegAhnetDecoderBlocks.Projection(dims, 256 + dense, 64);
        _dense3 = SegAhnetDecoderBlocks.DenseBlock(dims, 64);
        _up3 = SegAhnetDecoderBlocks.UpTransition(dims, 64 + dense, 64, Upsampling);
        _dense4 = SegAhnetDecoderBlocks.DenseBlock(dims, 64);
        var pspBranches = ifUsePsp ? PspBranches : 0;
        // MONAI always creates the PSP module (empty without branches), so its name exists in the tree either way.
        _psp = new SegAhnetPyramidPooling(dims, pspBranches, 64 + dense, Upsampling);
        _final = SegAhnetDecoderBlocks.Final(dims, pspBranches + 64 + dense, numClasses, Upsampling);

        // Registered by hand (not RegisterComponents) so the state-dict names are MONAI's, not the C# field names.
        register_module("conv1", _conv1);
        register_module("pool1", _pool1);
        register_module("bn0", _bn0);
        register_module("relu", nn.ReLU());
        register_module("maxpool", _maxpool);
        for (var i = 0; i < 4; i++) register_module($"layer{i + 1}", _encoder[i]);
        register_module("up0", _up0);
        register_module("dense0", _dense0);
        register_module("up1", _up1);
        register_module("dense1", _dense1);
        register_module("up2", _up2);
        register_module("dense2", _dense2);
        register_module("trans1", _trans1);
        register_module("dense3", _dense3);
        register_module("up3", _up3);
        register_module("dense4", _dense4);
        register_module("psp", _psp);
        register_module("final", _final);

        if (pretrainWeightName is not null) LoadPretrainedEncoder(pretrainWeightName);
    }

    /// <summary>Does nothing: children are registered by hand under MONAI's names.</summary>
    /// <remarks>TorchSharp's <c>register_module</c> calls this on every child, and the base version would register each
    /// module-typed field a second time under its C# field name.</remarks>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Output channels.</summary>
    public int NumClasses { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Spatial rank: 2 or 3.</summary>
    public int SpatialDims { get; }

    /// <summary>Whether the pyramid pooling branch is used.</summary>
    public bool UsesPsp { get; }

    /// <summary>softmax, sigmoid or linear.</summary>
    public string FinalActivation { get; }

    /// <summary>Bottleneck blocks in layer1…layer4.</summary>
    public IReadOnlyList<int> Layers { get; }

    /// <summary>How the network upsamples.</summary>
    public SegAhnetUpsampling Upsampling { get; }

    /// <summary>The spatial axis of the input (0-based) that is anisotropic (through-plane); the others are in-plane.</summary>
    public int AnisotropicAxis { get; }

    /// <inheritdoc />
    public InputContract InputContract
    {
        get
        {
            // The PSP branch pools in-plane by up to 2^(branches+2) at half resolution.
            var pspSize = 1 << (PspBranches + 3);
            var inPlaneDivisor = UsesPsp && Upsampling == SegAhnetUpsampling.Transpose ? pspSize : BaseDivisor;
            var inPlaneMinimum = UsesPsp ? pspSize : BaseDivisor;
            var divisors = new int[SpatialDims];
            var minimum = new int[SpatialDims];
            for (var d = 0; d < SpatialDims; d++)
            {
                divisors[d] = d == AnisotropicAxis ? BaseDivisor : inPlaneDivisor;
                minimum[d] = d == AnisotropicAxis ? BaseDivisor : inPlaneMinimum;
            }
            return new InputContract
            {
                InChannels = InChannels,
                SpatialDims = SpatialDims,
                Divisors = divisors,
                MinimumSize = minimum,
                SupportsDynamicShape = true,
            };
        }
    }

    /// <summary>Maps [B, in_channels, spatial…] to [B, num_classes, spatial…] probabilities (or logits for linear).</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        InputContract.CheckInput(x, nameof(SegAhnet));
        using var scope = NewDisposeScope();
        var h = _toNetworkOrder is null ? x : x.permute(_toNetworkOrder).contiguous();
        h = nn.functional.relu(_bn0.call(_pool1.call(_conv1.call(h))));
        var convX = h;
        h = _maxpool.call(h);
        var poolX = h;
        var fm1 = _encoder[0].call(h);
        var fm2 = _encoder[1].call(fm1);
        var fm3 = _encoder[2].call(fm2);
        var fm4 = _encoder[3].call(fm3);
        var d0 = _dense0.call(_up0.call(fm4).PlusInPlace(fm3));
        var d1 = _dense1.call(_up1.call(d0).PlusInPlace(fm2));
        var d2 = _dense2.call(_up2.call(d1).PlusInPlace(fm1));
        var d3 = _dense3.call(_trans1.call(d2).PlusInPlace(poolX));
        var d4 = _dense4.call(_up3.call(d3).PlusInPlace(convX));
        if (UsesPsp) d4 = cat([_psp.call(d4), d4], 1);
        var logits = _final.call(d4);
        if (_toInputOrder is not null) logits = logits.permute(_toInputOrder).contiguous();
        var output = FinalActivation switch
        {
            "softmax" => logits.softmax(1),
            "sigmoid" => logits.sigmoid(),
            _ => logits,
        };
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var h = _toNetworkOrder is null ? input : graph.Transpose(input, _toNetworkOrder);
        h = graph.Relu(ModuleExport.Export(_bn0, graph, ModuleExport.Export(_pool1, graph, ModuleExport.Export(_conv1, graph, h))));
        var convX = h;
        h = ModuleExport.Export(_maxpool, graph, h);
        var poolX = h;
        var fm1 = ModuleExport.Export(_encoder[0], graph, h);
        var fm2 = ModuleExport.Export(_encoder[1], graph, fm1);
        var fm3 = ModuleExport.Export(_encoder[2], graph, fm2);
        var fm4 = ModuleExport.Export(_encoder[3], graph, fm3);
        var d0 = ModuleExport.Export(_dense0, graph, graph.Add(ModuleExport.Export(_up0, graph, fm4), fm3));
        var d1 = ModuleExport.Export(_dense1, graph, graph.Add(ModuleExport.Export(_up1, graph, d0), fm2));
        var d2 = ModuleExport.Export(_dense2, graph, graph.Add(ModuleExport.Export(_up2, graph, d1), fm1));
        var d3 = ModuleExport.Export(_dense3, graph, graph.Add(ModuleExport.Export(_trans1, graph, d2), poolX));
        var d4 = ModuleExport.Export(_dense4, graph, graph.Add(ModuleExport.Export(_up3, graph, d3), convX));
        if (UsesPsp) d4 = graph.Concat(_psp.Export(graph, d4), d4);
        var logits = ModuleExport.Export(_final, graph, d4);
        if (_toInputOrder is not null) logits = graph.Transpose(logits, _toInputOrder);
        return FinalActivation switch
        {
            "softmax" => graph.Softmax(logits),
            "sigmoid" => graph.Sigmoid(logits),
            _ => logits,
        };
    }

    private void LoadPretrainedEncoder(string path)
    {
        if (!File.Exists(path))
            throw new ConfigArgException("pretrain_weight_name", $"file not found: {Path.GetFullPath(path)}");
        SafetensorsFile file;
        try
        {
            file = SafetensorsReader.Read(path);
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigArgException("pretrain_weight_name", $"cannot read {path} as a safetensors ResNet-50 state dict: {e.Message}");
        }
        using (file)
        {
            try
            {
                ResNet50Pretrained.CopyInto(this, file.Tensors);
            }
            catch (WeightMismatchException e)
            {
                throw new ConfigArgException("pretrain_weight_name",
                    $"{path} is not a torchvision ResNet-50 state dict that fits layers {string.Join(",", Layers)}: {e.Message}");
            }
        }
    }

    private static void Validate(int numClasses, int inChannels, string plane, string finalActivation, int nSpatialDim, string upsampleMode,
        string? pretrainWeightName, string? pretrainWeightUrl, string? dtype, string dataFormat, int[] layers)
    {
        if (numClasses < 1) throw new ConfigArgException("num_classes", $"must be at least 1; got {numClasses}");
        if (inChannels < 1) throw new ConfigArgException("in_channels", $"must be at least 1; got {inChannels}");
        if (nSpatialDim is not (2 or 3)) throw new ConfigArgException("n_spatial_dim", $"must be 2 or 3; got {nSpatialDim}");
        if (!Planes.Contains(plane))
            throw new ConfigArgException("plane", $"must be one of {string.Join(", ", Planes)} (the through-plane axis: z the last, x the first, y the second); got '{plane}'");
        if (!FinalActivations.Contains(finalActivation))
            throw new ConfigArgException("final_activation", $"must be one of {string.Join(", ", FinalActivations)}; got '{finalActivation}'");
        if (!UpsampleModes.Contains(upsampleMode))
            throw new ConfigArgException("upsample_mode", $"must be one of {string.Join(", ", UpsampleModes)}; got '{upsampleMode}'");
        if (layers.Length != 4)
            throw new ConfigArgException("layers", $"needs 4 block counts (layer1 to layer4, e.g. \"3,4,6,3\"); got {layers.Length}");
        for (var i = 0; i < layers.Length; i++)
            if (layers[i] is < 1 or > 64) throw new ConfigArgException($"layers[{i}]", $"must be between 1 and 64; got {layers[i]}");
        if (dataFormat != "channels_first")
            throw new ConfigArgException("data_format", $"only channels_first ([B, C, spatial…]) is supported; got '{dataFormat}'");
        if (dtype is not null && dtype is not ("float32" or "tf.float32"))
            throw new ConfigArgException("dtype", $"only float32 is supported (reduced precision comes from the trainer's use_amp); got '{dtype}'");
        if (pretrainWeightUrl is not null)
            throw new ConfigArgException("pretrain_weight_url",
                "downloading weights is not supported; download the ResNet-50 weights yourself, convert them to a safetensors file with " +
                "torchvision names (conv1.weight, bn1.weight, layer1.0.conv1.weight, …) and give its path as pretrain_weight_name");
        if (pretrainWeightName is not null)
        {
            if (nSpatialDim != 3)
                throw new ConfigArgException("pretrain_weight_name", "the ResNet-50 transfer is defined for the 3D network only (n_spatial_dim 3), as in MONAI");
            if (pretrainWeightName.EndsWith(".h5", StringComparison.OrdinalIgnoreCase))
                throw new ConfigArgException("pretrain_weight_name",
                    $"{pretrainWeightName} looks like Clara's Keras .h5 ResNet-50; convert it to a safetensors file with torchvision names " +
                    "(conv1.weight, bn1.weight, layer1.0.conv1.weight, …, e.g. torchvision's resnet50 state_dict)");
        }
    }
}
