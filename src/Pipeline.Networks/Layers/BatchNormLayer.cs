using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Networks.Layers;

/// <summary>BatchNorm over 1, 2 or 3 spatial dims with torch's parameters, buffers and arithmetic, whose batch counter is stepped with a scalar it holds.</summary>
/// <remarks>
/// TorchSharp's <c>BatchNorm3d</c> steps <c>num_batches_tracked</c> with a temporary scalar each training step, which the
/// finaliser thread may free while libtorch reads it (see <see cref="Pipeline.Native.HeldScalars"/>). Everything else is
/// <c>nn.BatchNorm3d</c>'s: the state dict keys, the running-statistics update and <c>functional.batch_norm</c>; it is a
/// <see cref="BatchNorm"/>, so the ONNX export treats it as one.
/// </remarks>
public sealed class BatchNormLayer : BatchNorm
{
    // A static stays reachable for the whole process, so no finaliser frees it.
    private static readonly Scalar One = 1.ToScalar();

    private readonly int _spatialDims;

    /// <summary>Creates the layer, affine and tracking running statistics, with torch's defaults for eps and momentum.</summary>
    public BatchNormLayer(int spatialDims, long features, double eps = 1e-5, double momentum = 0.1)
        : base(features, eps, momentum, true, true, null, null, $"BatchNorm{spatialDims}d")
    {
        if (spatialDims is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(spatialDims), spatialDims, "BatchNorm takes 1, 2 or 3 spatial dims");
        _spatialDims = spatialDims;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        var factor = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is not null)
        {
            num_batches_tracked.add_(One, One);
            factor = momentum ?? 1.0 / num_batches_tracked.item<long>();
        }
        var useBatchStatistics = training || (running_mean is null && running_var is null);
        var tracked = !training || track_running_stats;
        return nn.functional.batch_norm(input, tracked ? running_mean : null, tracked ? running_var : null, weight, bias,
            useBatchStatistics, factor, eps);
    }

    /// <inheritdoc />
    protected override void ValidateInputDimensions(Tensor input)
    {
        var expected = _spatialDims + 2;
        if (input.ndim != expected && !(_spatialDims == 1 && input.ndim == 2))
            throw new ArgumentException($"expected {expected}D input (got {input.ndim}D input)");
    }
}
