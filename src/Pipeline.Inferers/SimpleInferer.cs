using Pipeline.Components;
using Pipeline.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Inferers;

/// <summary>Clara's <c>SimpleInferer</c> / <c>TFSimpleInferer</c>: one network call on the whole input.</summary>
/// <remarks>
/// When the network declares an <see cref="InputContract"/>, each spatial axis is padded with zeros at its end (the high-index
/// side, as Clara's TensorFlow inferers padded) up to the next legal size — the recorded shape of a fixed-shape network,
/// else the next multiple of the axis divisor (at least the minimum size) — and the prediction is cropped back.
/// </remarks>
[Component(ComponentKind.Inferer, "SimpleInferer", "TFSimpleInferer")]
public sealed class SimpleInferer : IInferer
{
    /// <summary>Creates the inferer.</summary>
    /// <param name="precision">
    /// fp32 or bf16: the dtype the network and its input run in; the result is float32. A frozen network of another dtype
    /// is cast for the call and restored exactly afterwards; a trainable one must already have this dtype.
    /// </param>
    public SimpleInferer(string precision = "fp32") => Dtype = InferencePrecision.Parse(precision);

    /// <summary>The dtype the network and its input run in.</summary>
    public ScalarType Dtype { get; }

    /// <summary>The spatial size the input is padded to for <paramref name="network"/>; the input size itself when the network declares no contract.</summary>
    public static int[] PaddedSize(nn.Module<Tensor, Tensor> network, IReadOnlyList<int> spatialSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(spatialSize);
        if (network is not INetwork { InputContract: var contract }) return [.. spatialSize];
        if (contract.SpatialDims != spatialSize.Count)
            throw new ArgumentException($"the network is {contract.SpatialDims}-D but the input has {spatialSize.Count} spatial axes");
        if (contract.FixedShape is { } fixedShape)
        {
            for (var d = 0; d < spatialSize.Count; d++)
                if (spatialSize[d] > fixedShape[d])
                    throw new ArgumentException(
                        $"the input [{string.Join(", ", spatialSize)}] is larger than the fixed input shape [{string.Join(", ", fixedShape)}] of the network on axis {d}; " +
                        "use ScanWindowInferer with that roi_size");
            return [.. fixedShape];
        }
        return spatialSize.Select((s, d) =>
        {
            var divisor = contract.Divisors[d];
            var minimum = contract.MinimumSize?[d] ?? divisor;
            return Math.Max(minimum, (s + divisor - 1) / divisor * divisor);
        }).ToArray();
    }

    /// <inheritdoc />
    public Tensor Infer(Tensor input, nn.Module<Tensor, Tensor> network)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(network);
        if (input.dim() is not (4 or 5))
            throw new ArgumentException($"SimpleInferer expects [B, C, H, W] or [B, C, D, H, W]; got shape [{string.Join(", ", input.shape)}]", nameof(input));
        var spatial = input.shape.Skip(2).Select(s => checked((int)s)).ToArray();
        var padded = PaddedSize(network, spatial);
        NetworkInputCheck.Window(network, padded, input.shape[1], "the padded input size");

        using var dtypeScope = new NetworkDtypeScope(network, Dtype);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = input;
        if (!padded.SequenceEqual(spatial))
        {
            var pad = new long[2 * spatial.Length];
            for (var d = 0; d < spatial.Length; d++) pad[2 * (spatial.Length - 1 - d) + 1] = padded[d] - spatial[d];
            x = nn.functional.pad(input, pad, PaddingModes.Constant, 0.0);
        }
        var predicted = network.call(x.to(Dtype));
        if (predicted.dim() != input.dim() || !predicted.shape.Skip(2).SequenceEqual(padded.Select(p => (long)p)))
            throw new InvalidOperationException(
                $"the network returned shape [{string.Join(", ", predicted.shape)}] for an input of [{string.Join(", ", x.shape)}]; SimpleInferer needs an output of the input's spatial size");
        var result = predicted.to(ScalarType.Float32);
        if (!padded.SequenceEqual(spatial))
            result = result.index([TensorIndex.Colon, TensorIndex.Colon, .. spatial.Select(s => TensorIndex.Slice(0, s))]).contiguous();
        return result.MoveToOuterDisposeScope();
    }
}
