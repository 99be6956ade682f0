using System.Runtime.InteropServices;
using Pipeline.Components;
using Pipeline.Native;
using Pipeline.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>Clara's <c>ScanWindowInferer</c> / <c>TFScanWindowInferer</c>: MONAI's sliding-window inference over a whole image.</summary>
/// <remarks>
/// Window sizes, padding, window starts, blending weights, normalisation and un-padding follow MONAI's
/// <c>sliding_window_inference</c> exactly (see <see cref="SlidingWindowGrid"/> and <see cref="ImportanceMap"/>). Differences:
/// the stitched output and the weight map are always float32 (MONAI uses the input dtype), one weight map of the padded
/// spatial shape serves every channel and batch item, the network must return windows of the window's shape (no
/// multi-resolution heads), and windows are cut from the image as each window batch is built. The result is float32.
/// </remarks>
[Component(ComponentKind.Inferer, "ScanWindowInferer", "TFScanWindowInferer")]
public sealed class ScanWindowInferer : IInferer
{
    private static readonly string[] OutputNames = ["probabilities", "foreground_probability"];
    private static readonly string[] PaddingNames = ["constant", "reflect", "replicate"];

    private readonly int[] _roiSize;
    private readonly TextWriter? _progress;

    /// <summary>Validates every arg; a bad value is a <see cref="ConfigArgException"/> naming it.</summary>
    /// <param name="roiSize">Window size per spatial axis; entries ≤ 0 take the whole axis.</param>
    /// <param name="batchSize">Windows per network call (Clara's <c>batch_size</c>, MONAI's <c>sw_batch_size</c>).</param>
    /// <param name="overlap">Fraction of the window shared with its neighbour along each axis, in [0, 1).</param>
    /// <param name="mode">Blending of overlapping windows: constant (plain average) or gaussian.</param>
    /// <param name="sigmaScale">Gaussian σ as a fraction of the window length.</param>
    /// <param name="paddingMode">How an image smaller than the window is padded: constant, reflect or replicate.</param>
    /// <param name="cval">Fill value of constant padding.</param>
    /// <param name="precision">
    /// fp32 or bf16: the dtype the network and its windows run in; stitching stays float32. A frozen network of another dtype
    /// is cast for the call and restored exactly afterwards; a trainable one must already have this dtype.
    /// </param>
    /// <param name="output">probabilities (every output channel) or foreground_probability (only channel 1 of each window is kept).</param>
    /// <param name="stitchDevice">Where the whole-image result and weight sum live (e.g. cpu while the network runs on a GPU); default: the input's device.</param>
    /// <param name="devices">
    /// Where windows run. Several <c>"cpu"</c> entries run that many window batches at once, dealt out round-robin, sharing
    /// the (read-only) network and splitting the torch threads between them; one CUDA device runs every window there (the
    /// network must live on it). Several CUDA devices would need one network replica each and are not supported yet.
    /// </param>
    /// <param name="progress">Report windows done, at every tenth of an image and at its end.</param>
    /// <param name="progressOutput">Where progress lines go (a host service); standard error when the host gives none.</param>
    public ScanWindowInferer(int[] roiSize, int batchSize = 1, double overlap = 0.25, string mode = "constant", double sigmaScale = 0.125,
        string paddingMode = "constant", double cval = 0.0, string precision = "fp32", string output = "probabilities", string? stitchDevice = null,
        string[]? devices = null, bool progress = false, TextWriter? progressOutput = null)
    {
        ArgumentNullException.ThrowIfNull(roiSize);
        _progress = progress ? progressOutput ?? Console.Error : null;
        if (roiSize.Length is not (2 or 3))
            throw new ConfigArgException("roi_size", $"needs one entry per spatial axis (2 or 3); got {roiSize.Length}");
        if (batchSize < 1) throw new ConfigArgException("batch_size", $"must be at least 1; got {batchSize}");
        if (!(overlap >= 0 && overlap < 1)) throw new ConfigArgException("overlap", $"must be in [0, 1); got {overlap}");
        Mode = mode switch
        {
            "constant" => BlendMode.Constant,
            "gaussian" => BlendMode.Gaussian,
            _ => throw new ConfigArgException("mode", $"must be constant or gaussian; got '{mode}'"),
        };
        if (!(sigmaScale > 0) || double.IsInfinity(sigmaScale))
            throw new ConfigArgException("sigma_scale", $"must be a finite number > 0; got {sigmaScale}");
        PaddingMode = paddingMode switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "replicate" => PaddingModes.Replicate,
            _ => throw new ConfigArgException("padding_mode", $"must be one of {string.Join(", ", PaddingNames)}; got '{paddingMode}'"),
        };
        if (!double.IsFinite(cval)) throw new ConfigArgException("cval", $"must be a finite number; got {cval}");
        if (!OutputNames.Contains(output))
            throw new ConfigArgException("output", $"must be one of {string.Join(", ", OutputNames)}; got '{output}'");
        _roiSize = [.. roiSize];
        BatchSize = batchSize;
        Overlap = overlap;
        SigmaScale = sigmaScale;
        Cval = cval;
        Dtype = InferencePrecision.Parse(precision);
        StitchDevice = stitchDevice is null ? null : ParseDevice(stitchDevice, "stitch_device");
        ForegroundOnly = output == "foreground_probability";
        Devices = ParseDevices(devices ?? ["cpu"]);
    }

    /// <summary>Where windows run: one or more CPU workers, or one CUDA device.</summary>
    public IReadOnlyList<Device> Devices { get; }

    /// <summary>Window size per spatial axis as configured (entries ≤ 0: the whole axis).</summary>
    public IReadOnlyList<int> RoiSize => _roiSize;

    /// <summary>Windows per network call.</summary>
    public int BatchSize { get; }

    /// <summary>Overlap fraction between neighbouring windows.</summary>
    public double Overlap { get; }

    /// <summary>Blending of overlapping windows.</summary>
    public BlendMode Mode { get; }

    /// <summary>Gaussian σ as a fraction of the window length.</summary>
    public double SigmaScale { get; }

    /// <summary>Padding of images smaller than the window.</summary>
    public PaddingModes PaddingMode { get; }

    /// <summary>Fill value of constant padding.</summary>
    public double Cval { get; }

    /// <summary>The dtype the network and its windows run in.</summary>
    public ScalarType Dtype { get; }

    /// <summary>Where the result is stitched; null: the input's device.</summary>
    public Device? StitchDevice { get; }

    /// <summary>True when only channel 1 of every window is kept (output [B, 1, spatial…]).</summary>
    public bool ForegroundOnly { get; }

    /// <summary>The window size for an image of <paramref name="spatialSize"/>; throws when roi_size has the wrong length.</summary>
    public int[] WindowSize(IReadOnlyList<int> spatialSize) => SlidingWindowGrid.EffectiveRoi(spatialSize, _roiSize);

    /// <inheritdoc />
    public Tensor Infer(Tensor input, nn.Module<Tensor, Tensor> network)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(network);
        if (input.dim() is not (4 or 5))
            throw new ArgumentException($"ScanWindowInferer expects [B, C, H, W] or [B, C, D, H, W]; got shape [{string.Join(", ", input.shape)}]", nameof(input));
        var spatial = input.shape.Skip(2).Select(s => checked((int)s)).ToArray();
        if (_roiSize.Length != spatial.Length)
            throw new ArgumentException(
                $"roi_size [{string.Join(", ", _roiSize)}] has {_roiSize.Length} entries but the input [{string.Join(", ", input.shape)}] has {spatial.Length} spatial axes", nameof(input));
        var roi = WindowSize(spatial);
        NetworkInputCheck.Window(network, roi, input.shape[1], "roi_size");

        using var dtypeScope = new NetworkDtypeScope(network, Dtype);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        var padded = SlidingWindowGrid.PaddedSize(spatial, roi);
        var padBefore = spatial.Select((s, d) => (padded[d] - s) / 2).ToArray();
        var image = padded.SequenceEqual(spatial) ? input : Pad(input, spatial, padded, padBefore);
        var windows = SlidingWindowGrid.WindowStarts(padded, roi, Overlap);
        // Windows run where the network's weights are; the result is stitched on the stitch device (MONAI's sw_device and device).
        var computeDevice = network.parameters().FirstOrDefault()?.device ?? input.device;
        var stitchDevice = StitchDevice ?? input.device;
        var weights = ImportanceMap.Create(roi, Mode, SigmaScale, computeDevice);

        var weightSum = zeros(padded.Select(p => (long)p).ToArray(), ScalarType.Float32, stitchDevice);
        using (var stitchWeights = weights.to(stitchDevice))
            foreach (var start in windows) weightSum.index(WindowIndex(start, roi, leading: 0)).PlusInPlace(stitchWeights);

        var batch = input.shape[0];
        var total = batch * windows.Count;
        var batchCount = (int)((total + BatchSize - 1) / BatchSize);
        Tensor? stitched = null;
        var stitchLock = new object();
        var windowsDone = 0L;
        var tenthsShown = 0;

        // One window batch: cut, run, weight, and add into the shared result (under a lock when workers run in parallel).
        void RunBatch(int batchIndex)
        {
            using var batchScope = NewDisposeScope();
            using var unit = 1.ToScalar();
            var first = (long)batchIndex * BatchSize;
            var count = (int)Math.Min(BatchSize, total - first);
            var pieces = new Tensor[count];
            for (var i = 0; i < count; i++)
            {
                var g = first + i;
                pieces[i] = image.index([TensorIndex.Slice(g / windows.Count, g / windows.Count + 1), .. WindowIndex(windows[(int)(g % windows.Count)], roi, leading: 1)]);
            }
            var windowBatch = cat(pieces, 0).to(Dtype, computeDevice);
            var predicted = network.call(windowBatch);
            CheckWindowOutput(predicted, count, roi);
            if (ForegroundOnly) predicted = predicted.narrow(1, 1, 1);
            // On the stitch device the weighting and the sum are one pass (bf16 predictions are widened as they are read);
            // elsewhere the weighted windows move there first. Not in place: the network may return (a view of) its input.
            var weightsHere = predicted.device == stitchDevice;
            var weighted = weightsHere ? predicted : (predicted.to(ScalarType.Float32) * weights).to(stitchDevice);
            lock (stitchLock)
            {
                // Allocated once the output channels are known; it belongs to the per-call scope, not to this window batch's.
                stitched ??= zeros([batch, weighted.shape[1], .. padded.Select(p => (long)p)], ScalarType.Float32, stitchDevice).DetachFromDisposeScope();
                for (var i = 0; i < count; i++)
                {
                    var g = first + i;
                    var target = stitched.index([TensorIndex.Slice(g / windows.Count, g / windows.Count + 1), .. WindowIndex(windows[(int)(g % windows.Count)], roi, leading: 1)]);
                    if (weightsHere) target.addcmul_(weighted.narrow(0, i, 1), weights, unit);
                    else target.PlusInPlace(weighted.narrow(0, i, 1));
                }
                windowsDone += count;
                if (_progress is not null && (int)(10 * windowsDone / total) > tenthsShown)
                {
                    tenthsShown = (int)(10 * windowsDone / total);
                    _progress.WriteLine($"scan window: {windowsDone}/{total} windows ({100 * windowsDone / total}%)");
                }
            }
        }

        // Several CPU workers, or a network that serves several calls at once (an ONNX Runtime session per GPU).
        var workers = Math.Min(Math.Max(Devices.Count, (network as IConcurrentNetwork)?.ConcurrentCalls ?? 1), batchCount);
        if (workers <= 1)
        {
            for (var b = 0; b < batchCount; b++) RunBatch(b);
        }
        else
        {
            // Workers share the read-only network; torch's threads are split between them and restored afterwards.
            var threads = get_num_threads();
            set_num_threads(Math.Max(1, threads / workers));
            try
            {
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
                {
                    // Grad mode is per thread in libtorch.
                    using var workerNoGrad = no_grad();
                    for (var b = worker; b < batchCount; b += workers) RunBatch(b);
                });
            }
            finally
            {
                set_num_threads(threads);
            }
        }
        // Created on a worker without a scope; the per-call scope owns it from here, like every other intermediate.
        scope.Attach(stitched!);

        stitched!.div_(weightSum);
        var result = padded.SequenceEqual(spatial)
            ? stitched
            : stitched.index([TensorIndex.Colon, TensorIndex.Colon, .. spatial.Select((s, d) => TensorIndex.Slice(padBefore[d], padBefore[d] + s))]).contiguous();
        return result.MoveToOuterDisposeScope();
    }

    private static Device[] ParseDevices(string[] devices)
    {
        if (devices.Length == 0) throw new ConfigArgException("devices", "needs at least one device, e.g. [\"cpu\"] or [\"cuda:0\"]");
        var parsed = devices.Select(d => ParseDevice(d, "devices")).ToArray();
        var cudaCount = parsed.Count(d => d.type == DeviceType.CUDA);
        if (cudaCount > 0 && parsed.Length > 1)
            throw new ConfigArgException("devices",
                "several devices with CUDA among them need one network replica per device, which is not supported yet; give one CUDA device, or several \"cpu\" entries");
        return parsed;
    }

    private static Device ParseDevice(string text, string arg)
    {
        Device parsed;
        try
        {
            parsed = device(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or ExternalException)
        {
            throw new ConfigArgException(arg, text.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available()
                ? $"'{text}' needs CUDA, which is not available in this build or on this machine; use cpu"
                : $"'{text}' is not a device; accepted: cpu, cuda, cuda:N");
        }
        if (parsed.type == DeviceType.CUDA && !cuda.is_available())
            throw new ConfigArgException(arg, $"'{text}' needs CUDA, which is not available here; use cpu");
        if (parsed.type is not (DeviceType.CPU or DeviceType.CUDA))
            throw new ConfigArgException(arg, $"'{text}' is not supported; accepted: cpu, cuda, cuda:N");
        return parsed;
    }

    private Tensor Pad(Tensor input, int[] spatial, int[] padded, int[] padBefore)
    {
        // F.pad lists the last axis first; MONAI puts the odd extra voxel after the image.
        var pad = new long[2 * spatial.Length];
        for (var d = 0; d < spatial.Length; d++)
        {
            var k = spatial.Length - 1 - d;
            pad[2 * k] = padBefore[d];
            pad[2 * k + 1] = padded[d] - spatial[d] - padBefore[d];
        }
        return nn.functional.pad(input, pad, PaddingMode, Cval);
    }

    private static TensorIndex[] WindowIndex(int[] start, int[] roi, int leading)
    {
        var index = new TensorIndex[leading + start.Length];
        for (var i = 0; i < leading; i++) index[i] = TensorIndex.Colon;
        for (var d = 0; d < start.Length; d++) index[leading + d] = TensorIndex.Slice(start[d], start[d] + roi[d]);
        return index;
    }

    private void CheckWindowOutput(Tensor predicted, int count, int[] roi)
    {
        if (predicted.dim() != roi.Length + 2 || predicted.shape[0] != count || !predicted.shape.Skip(2).SequenceEqual(roi.Select(r => (long)r)))
            throw new InvalidOperationException(
                $"the network returned shape [{string.Join(", ", predicted.shape)}] for {count} windows of [{string.Join(", ", roi)}]; " +
                "ScanWindowInferer needs an output of the window's spatial size");
        if (ForegroundOnly && predicted.shape[1] < 2)
            throw new InvalidOperationException(
                $"output foreground_probability keeps channel 1, but the network returns {predicted.shape[1]} channel(s); use output probabilities");
    }
}
