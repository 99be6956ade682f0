using Pipeline.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Pipeline.Networks.Export;

namespace Pipeline.Networks.Layers;

/// <summary>A 2-D or 3-D convolution (or transposed convolution) with PyTorch's parameter names and init, correct on every CPU channel count.</summary>
/// <remarks>
/// libtorch 2.10's oneDNN convolution kernels on AVX-512 CPUs, in their blocked layout, return wrong values (errors of
/// 10–90 % of the output range, varying from run to run) for some channel counts, measured with kernels larger than 1 at
/// 32×32×64 voxels: fp32 and bf16 with more than 16 input channels that are not a multiple of 16 (24, 28, 36, 40, 56, 72,
/// 124 …), bf16 with an output channel count that is not a multiple of 16 (also transposed), the fp32 input gradient of
/// such convolutions (intermittently), and bf16 1×1 kernels over a single input channel. Their channels-last kernels get
/// all of these right, so fp32 3-D convolutions run channels-last (1×1 ones as a matrix product over the channels). The
/// other cases keep the blocked layout and work around it exactly: a single input channel gets a zero companion channel;
/// other such inputs are split into a multiple of 16 plus a remainder below 16; such outputs are padded with zero filters up
/// to a multiple of 16 and dropped after, except that in fp32 training a stride-1 (or transposed) convolution records its
/// convolution on the detached input, so libtorch computes only the weight and bias gradients, and gets its input gradient
/// from <see cref="InputGradientBridge"/> as a forward convolution with the flipped kernel. The state dict is <c>weight</c>
/// and <c>bias</c>, as <c>nn.Conv3d</c>, so MONAI/PyTorch weights load by name.
/// </remarks>
public sealed class ConvolutionLayer : nn.Module<Tensor, Tensor>, IExportable
{
    /// <summary>Channel counts that libtorch's CPU convolution kernels always handle correctly are multiples of this (or, for inputs, at most this).</summary>
    public const int SafeChannelMultiple = 16;

    // Named as their state-dict entries: Module.to(dtype) replaces parameters and finds the fields to update by name.
#pragma warning disable IDE1006
    private Parameter weight;
    private Parameter? bias;
#pragma warning restore IDE1006
    private readonly int _spatialDims;
    private readonly bool _transposed;
    private readonly long[] _stride;
    private readonly bool _samplesInput;
    private readonly long[] _convolutionStride;
    private readonly long[] _padding;
    private readonly long[] _outputPadding;
    private readonly long[] _dilation;
    private readonly long[]? _inputGradientPadding;
    private readonly bool _isPointwise;

    /// <summary>Creates the layer with PyTorch's default initialisation (from torch's seeded generator).</summary>
    public ConvolutionLayer(int spatialDims, long inChannels, long outChannels, long[] kernel, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, bool bias = true, bool transposed = false, long[]? outputPadding = null)
        : base(transposed ? $"ConvTranspose{spatialDims}d" : $"Conv{spatialDims}d")
    {
        if (spatialDims is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(spatialDims), spatialDims, "must be 2 or 3");
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel.Length != spatialDims) throw new ArgumentException($"needs {spatialDims} kernel sizes; got {kernel.Length}", nameof(kernel));
        _spatialDims = spatialDims;
        _transposed = transposed;
        _stride = stride ?? Ones(spatialDims);
        _padding = padding ?? new long[spatialDims];
        _dilation = dilation ?? Ones(spatialDims);
        _outputPadding = outputPadding ?? new long[spatialDims];
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = [.. kernel];
        // An unpadded 1×1 convolution is pointwise; with stride > 1 it only reads every s-th voxel, so it samples those first
        // and then convolves with stride 1.
        _isPointwise = !transposed && Kernel.All(k => k == 1) && _padding.All(p => p == 0);
        _samplesInput = _isPointwise && _stride.Any(s => s > 1);
        _convolutionStride = _samplesInput ? Ones(spatialDims) : _stride;
        // The input gradient of a stride-1 convolution is a convolution of the output gradient with the flipped kernel and
        // padding d·(k−1)−p; that of a transposed convolution is the ordinary convolution with the same kernel and arguments.
        var flippedPadding = Enumerable.Range(0, spatialDims).Select(a => _dilation[a] * (Kernel[a] - 1) - _padding[a]).ToArray();
        _inputGradientPadding = transposed ? _padding
            : _convolutionStride.All(s => s == 1) && flippedPadding.All(p => p >= 0) ? flippedPadding : null;

        // Borrow PyTorch's own initialisation (kaiming-uniform weights, fan-in-bounded bias) from a stock layer.
        using var stock = CreateStock(spatialDims, inChannels, outChannels, kernel, bias, transposed);
        var initial = stock.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        this.weight = new Parameter(initial["weight"].detach().clone().DetachFromDisposeScope());
        this.bias = bias ? new Parameter(initial["bias"].detach().clone().DetachFromDisposeScope()) : null;
        register_parameter("weight", this.weight);
        if (this.bias is not null) register_parameter("bias", this.bias);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Kernel size per spatial axis.</summary>
    public IReadOnlyList<long> Kernel { get; }

    /// <summary>The kernel tensor ([out, in, k…], or [in, out, k…] when transposed).</summary>
    public Parameter Weight => weight;

    /// <summary>The bias, or null.</summary>
    public Parameter? Bias => bias;

    /// <summary>Does nothing: parameters are registered by hand under PyTorch's names.</summary>
    protected override void RegisterComponents()
    {
    }

    /// <inheritdoc />
    public string Export(IGraphBuilder graph, string input) =>
        graph.Convolution(input, weight, bias, _transposed, _stride, _padding, _dilation, _outputPadding, _transposed ? "deconv" : "conv");

    /// <summary>Convolves <paramref name="x"/> ([B, in, spatial…]).</summary>
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (_samplesInput)
        {
            // oneDNN's strided 1×1 input-gradient kernel divides by zero (SIGFPE) at small outputs, e.g. 512→1024 channels at 8³.
            // Taking every s-th voxel first and convolving with stride 1 is the same convolution, with less work.
            using var scope = NewDisposeScope();
            var sampled = x;
            for (var axis = 0; axis < _spatialDims; axis++)
                if (_stride[axis] > 1)
                    sampled = sampled.slice(2 + axis, 0, sampled.shape[2 + axis], _stride[axis]);
            return ConvolveChecked(sampled).MoveToOuterDisposeScope();
        }
        return ConvolveChecked(x);
    }

    private Tensor ConvolveChecked(Tensor x)
    {
        if (RunsChannelsLast(x)) return ConvolveChannelsLast(x);
        if (BridgesInputGradient(x))
        {
            using var bridgeScope = NewDisposeScope();
            var weightOnly = ConvolveChecked(x.detach());
            return InputGradientBridge.apply(weightOnly, x, (Func<Tensor, Tensor>)InputGradient).MoveToOuterDisposeScope();
        }
        var padOutput = NeedsOutputPadding(x);
        var splitInput = NeedsInputSplit(x);
        var widenSingleInput = NeedsSecondInputChannel(x);
        if (!padOutput && !splitInput && !widenSingleInput) return Convolve(x, weight, bias);

        using var scope = NewDisposeScope();
        Tensor kernel = weight;
        Tensor? kernelBias = bias;
        // A zero companion channel avoids the one-channel bf16 kernel.
        if (widenSingleInput) (x, kernel) = WithZeroCompanionChannel(x, kernel);
        if (padOutput)
        {
            var extra = SafeChannelMultiple - OutChannels % SafeChannelMultiple;
            // Transposed kernels keep output channels on axis 1, ordinary ones on axis 0.
            var channelAxis = _transposed ? 1 : 0;
            var padShape = kernel.shape.ToArray();
            padShape[channelAxis] = extra;
            kernel = cat([kernel, zeros(padShape, dtype: kernel.dtype, device: kernel.device)], channelAxis);
            kernelBias = bias is null ? null : cat([bias, zeros([extra], dtype: bias.dtype, device: bias.device)], 0);
        }
        var y = splitInput ? ConvolveInSafeBlocks(x, kernel, kernelBias, Convolve) : Convolve(x, kernel, kernelBias);
        if (padOutput) y = y.narrow(1, 0, OutChannels).contiguous();
        return y.MoveToOuterDisposeScope();
    }

    // oneDNN's channels-last 3-D kernels compute every channel count correctly, forward and backward, and skip the reorders
    // to and from its blocked layout, which cost more than the arithmetic at 8–16 channels (fp32 training step 5.6 s → 3.2 s,
    // inference 0.45 s → 0.25 s per 96³ window, SegResnet init 8). bf16 inference runs channels-last too, with the layers
    // around the convolutions on their channels-last paths (GroupNormLayer, DoublingUpsample). bf16 training keeps the checked
    // path: libtorch's channels-last group-norm and upsampling gradients are slower than the reorders saved (AMP step 1.85 s →
    // 3.6 s). A transposed layer over a single input or output channel has no unambiguous channels-last kernel.
    private bool RunsChannelsLast(Tensor x) =>
        _spatialDims == 3 && x.device_type == DeviceType.CPU &&
        (x.dtype == ScalarType.Float32 || (x.dtype == ScalarType.BFloat16 && !is_grad_enabled())) &&
        !(_transposed && (InChannels == 1 || OutChannels == 1));

    private Tensor ConvolveChannelsLast(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (_isPointwise) return ConvolvePointwise(x).MoveToOuterDisposeScope();
        if (ConvolvesVoxelPairs(x)) return ConvolveVoxelPairs(x).MoveToOuterDisposeScope();
        Tensor kernel = weight;
        // With one channel both layouts look alike and libtorch picks the blocked one; a companion channel tells them apart.
        if (InChannels == 1) (x, kernel) = WithZeroCompanionChannel(x, kernel);
        // A channels-last kernel is enough: libtorch then runs the whole convolution, and returns its output, channels-last.
        return ConvolveAvoidingNativeKernel(x, ChannelsLast.Copy(kernel), bias, Convolve).MoveToOuterDisposeScope();
    }

    // libtorch sends a single fp32 sample with few rows to its own im2col kernel, 5–10× slower than oneDNN's here (32 channels
    // at 24³: 20 ms against 4 ms for two samples); a second view of the sample makes it take oneDNN.
    private Tensor ConvolveAvoidingNativeKernel(Tensor x, Tensor kernel, Tensor? kernelBias, Func<Tensor, Tensor, Tensor?, Tensor> convolve) =>
        TakesLibtorchsNativeKernel(x, kernel)
            ? convolve(x.expand(2, -1, -1, -1, -1), kernel, kernelBias).narrow(0, 0, 1)
            : convolve(x, kernel, kernelBias);

    // A single-channel input viewed as pairs of neighbouring voxels along W is a two-channel channels-last tensor, with no
    // copy; convolving the pairs into pairs of output voxels gives 2·out channels, which view back as the output. oneDNN
    // fills its 16 output lanes instead of padding 8 channels to 16 and needs no zero companion channel (1→8 channels,
    // 4×96³: half the multiply-adds). Only for inference: training keeps the checked path.
    private bool ConvolvesVoxelPairs(Tensor x) =>
        InChannels == 1 && !_transposed && !is_grad_enabled() && x.shape[4] % 2 == 0 && Kernel[2] == 2 * _padding[2] + 1 &&
        _stride.All(s => s == 1) && _dilation.All(d => d == 1);

    private Tensor ConvolveVoxelPairs(Tensor x)
    {
        long batch = x.shape[0], depth = x.shape[2], height = x.shape[3], width = x.shape[4];
        var pairs = x.reshape(batch, depth, height, width / 2, 2).permute(0, 4, 1, 2, 3);
        var pairKernel = ChannelsLast.Copy(PairKernel(weight));
        long[] pairPadding = [_padding[0], _padding[1], 1];
        var y = ConvolveAvoidingNativeKernel(pairs, pairKernel, bias?.repeat(2),
            (input, k, b) => nn.functional.conv3d(input, k, b, _stride, pairPadding, _dilation));
        long[] storedShape = [batch, depth, height, width, OutChannels];
        return y.permute(0, 2, 3, 4, 1).reshape(storedShape).permute(0, 4, 1, 2, 3);
    }

    // Output voxel 2j + p reads input 2j + p + k − pad = 2(j + t) + q: kernel tap k of the original becomes tap t + 1 of the
    // pair kernel, from input parity q to output parity p. With k = 2·pad + 1 taps, t runs over −1, 0, 1.
    private Tensor PairKernel(Tensor kernel)
    {
        var taps = Kernel[2];
        var pad = _padding[2];
        var pairKernel = zeros([2, OutChannels, 2, 1, Kernel[0], Kernel[1], 3], dtype: kernel.dtype, device: kernel.device);
        for (var p = 0; p < 2; p++)
            for (var q = 0; q < 2; q++)
                for (var t = -1; t <= 1; t++)
                {
                    var tap = 2 * t + q - p + pad;
                    if (tap < 0 || tap >= taps) continue;
                    pairKernel.select(0, p).select(1, q).select(-1, t + 1).copy_(kernel.select(-1, tap));
                }
        return pairKernel.view(2 * OutChannels, 2, Kernel[0], Kernel[1], 3);
    }

    // oneDNN's channels-last 1×1 kernel crashes the process for wide layers (512→1024 channels at 8×8×4); a 1×1 convolution
    // is a matrix product over the channels, which on a channels-last tensor needs no copy. With few channels the product is
    // too narrow to vectorise (8→2 channels, 4×96³: 18 ms), so k voxels share a row and the kernel becomes k copies on a
    // block diagonal (3.4 ms in bf16, 10 ms in fp32): k times the multiply-adds, each on zeros but one.
    private Tensor ConvolvePointwise(Tensor x)
    {
        var matrix = weight.flatten(1);
        var voxels = x.shape[0] * x.shape[2] * x.shape[3] * x.shape[4];
        var voxelsPerRow = 1L;
        while (voxelsPerRow * 2 * Math.Max(InChannels, OutChannels) <= PackedRowWidth && voxels % (voxelsPerRow * 2) == 0) voxelsPerRow *= 2;
        var rows = x.permute(0, 2, 3, 4, 1);
        if (voxelsPerRow == 1) return nn.functional.linear(rows, matrix, bias).permute(0, 4, 1, 2, 3);
        var blockDiagonal = kron(eye(voxelsPerRow, dtype: matrix.dtype, device: matrix.device), matrix);
        var packedBias = bias?.repeat(voxelsPerRow);
        long[] outputShape = [x.shape[0], x.shape[2], x.shape[3], x.shape[4], OutChannels];
        return nn.functional.linear(rows.reshape(-1, voxelsPerRow * InChannels), blockDiagonal, packedBias)
            .view(outputShape).permute(0, 4, 1, 2, 3);
    }

    private const long PackedRowWidth = 64;

    // Mirrors libtorch's choice for CPU fp32 convolutions (bf16 always takes oneDNN): batch 1, N·C·D·H ≤ 20480 and not both
    // last kernel sizes above 3.
    private bool TakesLibtorchsNativeKernel(Tensor x, Tensor kernel) =>
        !_transposed && x.dtype == ScalarType.Float32 && x.shape[0] == 1 && x.shape[1] * x.shape[2] * x.shape[3] <= 20480 &&
        !(kernel.shape[^1] > 3 && kernel.shape[^2] > 3);

    // A zero input channel with zero weights leaves the convolution unchanged.
    private static (Tensor Input, Tensor Kernel) WithZeroCompanionChannel(Tensor x, Tensor kernel) =>
        (cat([x, zeros_like(x)], 1), cat([kernel, zeros_like(kernel)], 1));

    // oneDNN's bf16 kernels (kernel > 1, or transposed) mis-handle output channel counts that are not a multiple of 16, and
    // so does its fp32 input-gradient kernel (its weight-gradient kernel does not): the padding is needed in bf16 always and
    // in fp32 when autograd records an input gradient that the bridge cannot supply.
    private bool NeedsOutputPadding(Tensor x) =>
        HasUnsafeOutputCount(x) && (x.dtype == ScalarType.BFloat16 || (is_grad_enabled() && x.requires_grad));

    private bool BridgesInputGradient(Tensor x) =>
        HasUnsafeOutputCount(x) && x.dtype == ScalarType.Float32 && _inputGradientPadding is not null && is_grad_enabled() && x.requires_grad;

    private bool HasUnsafeOutputCount(Tensor x) =>
        x.device_type == DeviceType.CPU && OutChannels % SafeChannelMultiple != 0 && (_transposed || Kernel.Any(k => k > 1));

    // The gradient convolution reads OutChannels channels and writes InChannels: only its input count can be unsafe in fp32.
    private Tensor InputGradient(Tensor outputGradient)
    {
        using var scope = NewDisposeScope();
        var kernel = weight.detach();
        if (!_transposed)
            kernel = kernel.transpose(0, 1).flip(Enumerable.Range(2, _spatialDims).Select(a => (long)a).ToArray());
        Tensor ForwardConvolution(Tensor g, Tensor k, Tensor? b) => _spatialDims == 3
            ? nn.functional.conv3d(g, k, b, _transposed ? _stride : _convolutionStride, _inputGradientPadding!, _dilation)
            : nn.functional.conv2d(g, k, b, _transposed ? _stride : _convolutionStride, _inputGradientPadding!, _dilation);
        var gradient = OutChannels > SafeChannelMultiple && OutChannels % SafeChannelMultiple != 0
            ? ConvolveInSafeBlocks(outputGradient, kernel, null, ForwardConvolution)
            : ForwardConvolution(outputGradient, kernel, null);
        return gradient.MoveToOuterDisposeScope();
    }

    // Whole multiples of 16 input channels and a remainder below 16 are both computed correctly; their sum is the convolution.
    private static Tensor ConvolveInSafeBlocks(Tensor x, Tensor kernel, Tensor? bias, Func<Tensor, Tensor, Tensor?, Tensor> convolve)
    {
        var channels = x.shape[1];
        var head = channels / SafeChannelMultiple * SafeChannelMultiple;
        return convolve(x.narrow(1, 0, head), kernel.narrow(1, 0, head), bias)
            .PlusInPlace(convolve(x.narrow(1, head, channels - head), kernel.narrow(1, head, channels - head), null));
    }

    // oneDNN's bf16 1×1 kernel mis-handles a single input channel.
    private bool NeedsSecondInputChannel(Tensor x) =>
        !_transposed && x.dtype == ScalarType.BFloat16 && x.device_type == DeviceType.CPU && InChannels == 1;

    // oneDNN's fp32 and bf16 kernels (kernel > 1) mis-handle more than 16 input channels that are not a multiple of 16.
    private bool NeedsInputSplit(Tensor x) =>
        !_transposed && x.device_type == DeviceType.CPU && x.dtype is ScalarType.Float32 or ScalarType.BFloat16 &&
        InChannels > SafeChannelMultiple && InChannels % SafeChannelMultiple != 0 && Kernel.Any(k => k > 1);

    private Tensor Convolve(Tensor x, Tensor weight, Tensor? bias) => (_spatialDims, _transposed) switch
    {
        (3, false) => nn.functional.conv3d(x, weight, bias, _convolutionStride, _padding, _dilation),
        (3, true) => nn.functional.conv_transpose3d(x, weight, bias, _stride, _padding, _outputPadding, dilation: _dilation),
        (2, false) => nn.functional.conv2d(x, weight, bias, _convolutionStride, _padding, _dilation),
        _ => nn.functional.conv_transpose2d(x, weight, bias, _stride, _padding, _outputPadding, dilation: _dilation),
    };

    private static nn.Module<Tensor, Tensor> CreateStock(int spatialDims, long inChannels, long outChannels, long[] kernel, bool bias, bool transposed)
    {
        nn.Module<Tensor, Tensor> stock = (spatialDims, transposed) switch
        {
            (3, false) => nn.Conv3d(inChannels, outChannels, (kernel[0], kernel[1], kernel[2]), bias: bias),
            (3, true) => nn.ConvTranspose3d(inChannels, outChannels, (kernel[0], kernel[1], kernel[2]), bias: bias),
            (2, false) => nn.Conv2d(inChannels, outChannels, (kernel[0], kernel[1]), bias: bias),
            _ => nn.ConvTranspose2d(inChannels, outChannels, (kernel[0], kernel[1]), bias: bias),
        };
        return stock;
    }

    /// <summary>A 3-D convolution with a cubic kernel, as <c>nn.Conv3d(in, out, kernel, stride, padding, bias)</c>.</summary>
    public static ConvolutionLayer Conv3d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool bias = true) =>
        new(3, inChannels, outChannels, [kernel, kernel, kernel], [stride, stride, stride], [padding, padding, padding], bias: bias);

    /// <summary>A 3-D transposed convolution with a cubic kernel, as <c>nn.ConvTranspose3d(in, out, kernel, stride, bias)</c>.</summary>
    public static ConvolutionLayer ConvTranspose3d(long inChannels, long outChannels, long kernel, long stride = 1, bool bias = true) =>
        new(3, inChannels, outChannels, [kernel, kernel, kernel], [stride, stride, stride], bias: bias, transposed: true);

    /// <summary>A 2-D convolution with a square kernel, as <c>nn.Conv2d(in, out, kernel, stride, padding, bias)</c>.</summary>
    public static ConvolutionLayer Conv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool bias = true) =>
        new(2, inChannels, outChannels, [kernel, kernel], [stride, stride], [padding, padding], bias: bias);

    /// <summary>A 2-D transposed convolution with a square kernel, as <c>nn.ConvTranspose2d(in, out, kernel, stride, bias)</c>.</summary>
    public static ConvolutionLayer ConvTranspose2d(long inChannels, long outChannels, long kernel, long stride = 1, bool bias = true) =>
        new(2, inChannels, outChannels, [kernel, kernel], [stride, stride], bias: bias, transposed: true);

    private static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();
}
