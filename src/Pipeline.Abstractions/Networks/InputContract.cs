using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Pipeline.Networks;

/// <summary>What a network accepts: input channels, spatial rank, legal spatial sizes, and whether the shape may vary.</summary>
/// <remarks>
/// Config validation checks the training crop, the validation <c>roi_size</c> and <c>dynamic_input_shape</c> against it;
/// checkpoints store it so an inferer knows the legal window sizes without rebuilding the training config.
/// </remarks>
public sealed record InputContract
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Input channels.</summary>
    public required int InChannels { get; init; }

    /// <summary>Spatial rank: 2 or 3.</summary>
    public required int SpatialDims { get; init; }

    /// <summary>Per spatial axis, every legal size is a multiple of this.</summary>
    public required IReadOnlyList<int> Divisors { get; init; }

    /// <summary>Per spatial axis, the smallest legal size (null: the divisor).</summary>
    public IReadOnlyList<int>? MinimumSize { get; init; }

    /// <summary>False for networks tied to one input shape (Clara's static graphs); such a network rejects <c>dynamic_input_shape: true</c>.</summary>
    public bool SupportsDynamicShape { get; init; } = true;

    /// <summary>The spatial shape a fixed-shape network was trained for, once recorded.</summary>
    public IReadOnlyList<int>? FixedShape { get; init; }

    /// <summary>When positive, the network uses unpadded convolutions over this many U-Net levels and its output is smaller than its input.</summary>
    public int ValidPaddingLevels { get; init; }

    /// <summary>Why <paramref name="spatialSize"/> is not a legal input, or null when it is.</summary>
    public string? ExplainSize(IReadOnlyList<int> spatialSize)
    {
        ArgumentNullException.ThrowIfNull(spatialSize);
        if (spatialSize.Count != SpatialDims)
            return $"has {spatialSize.Count} spatial sizes but the network is {SpatialDims}-D";
        if (FixedShape is not null && !spatialSize.SequenceEqual(FixedShape))
            return $"[{Format(spatialSize)}] differs from the shape [{Format(FixedShape)}] the network was trained for; " +
                   "a fixed-shape network accepts only that shape";
        for (var d = 0; d < SpatialDims; d++)
        {
            var size = spatialSize[d];
            if (ValidPaddingLevels > 0)
            {
                if (!ValidPaddingUNetSize.TryGetOutputSize(size, ValidPaddingLevels, out _))
                {
                    var (below, above) = ValidPaddingUNetSize.NearestLegal(size, ValidPaddingLevels);
                    return $"size {size} on axis {d} is not legal for unpadded convolutions over {ValidPaddingLevels} levels" +
                           (below > 0 ? $"; nearest legal sizes are {below} and {above}" : $"; the smallest legal size is {above}");
                }
                continue;
            }
            var divisor = Divisors[d];
            var minimum = MinimumSize?[d] ?? divisor;
            if (size % divisor != 0 || size < minimum)
                return $"size {size} on axis {d} is not legal: every size on that axis must be a multiple of {divisor}" +
                       (minimum > divisor ? $" and at least {minimum}" : "") + $" (e.g. {Math.Max(minimum, RoundUp(size, divisor))})";
        }
        return null;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="network"/> when <paramref name="x"/> ([B, C, spatial…]) is not a legal input.</summary>
    public void CheckInput(Tensor x, string network)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != SpatialDims + 2)
            throw new ArgumentException($"{network} expects a {SpatialDims + 2}-D input [B, C, {(SpatialDims == 3 ? "D, H, W" : "H, W")}]; got shape [{string.Join(", ", x.shape)}]", nameof(x));
        if (x.shape[1] != InChannels)
            throw new ArgumentException($"{network} was built for in_channels {InChannels}; the input has {x.shape[1]} channels", nameof(x));
        var spatial = x.shape.Skip(2).Select(s => (int)Math.Min(s, int.MaxValue)).ToArray();
        var problem = ExplainSize(spatial);
        if (problem is not null)
            throw new ArgumentException($"{network} input spatial size [{Format(spatial)}]: {problem}", nameof(x));
    }

    /// <summary>This contract with <paramref name="shape"/> recorded as the only accepted spatial shape.</summary>
    public InputContract WithFixedShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var unfixed = this with { FixedShape = null };
        var problem = unfixed.ExplainSize(shape);
        if (problem is not null) throw new ArgumentException($"cannot fix the input shape to [{Format(shape)}]: {problem}", nameof(shape));
        return this with { FixedShape = [.. shape] };
    }

    /// <summary>The contract as a JSON object (snake_case keys), as stored in checkpoints.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a contract written by <see cref="ToJson"/>.</summary>
    public static InputContract FromJson(string json) =>
        JsonSerializer.Deserialize<InputContract>(json, Json) ?? throw new JsonException("the input contract is null");

    /// <summary>Value equality including the list contents.</summary>
    public bool Equals(InputContract? other) =>
        other is not null && InChannels == other.InChannels && SpatialDims == other.SpatialDims && Divisors.SequenceEqual(other.Divisors) &&
        Same(MinimumSize, other.MinimumSize) && SupportsDynamicShape == other.SupportsDynamicShape && Same(FixedShape, other.FixedShape) &&
        ValidPaddingLevels == other.ValidPaddingLevels;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(InChannels, SpatialDims, Divisors.Count > 0 ? Divisors[0] : 0, SupportsDynamicShape, ValidPaddingLevels);

    /// <summary>A contract with the same divisor on every axis.</summary>
    public static InputContract MultipleOf(int inChannels, int spatialDims, int divisor, bool supportsDynamicShape = true) => new()
    {
        InChannels = inChannels,
        SpatialDims = spatialDims,
        Divisors = Enumerable.Repeat(divisor, spatialDims).ToArray(),
        SupportsDynamicShape = supportsDynamicShape,
    };

    private static bool Same(IReadOnlyList<int>? a, IReadOnlyList<int>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    private static int RoundUp(int size, int divisor) => Math.Max(divisor, (size + divisor - 1) / divisor * divisor);

    private static string Format(IReadOnlyList<int> shape) => string.Join(", ", shape);
}
