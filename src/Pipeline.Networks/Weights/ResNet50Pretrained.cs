using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>Transfers an ImageNet ResNet-50 (torchvision state-dict names) into SegAhnet's 3D encoder, as MONAI's <c>AHNet.copy_from</c> does.</summary>
/// <remarks>
/// <c>conv1.weight</c> 64×3×7×7 becomes 64×1×7×7×3 (the RGB axis turns into the 3-deep through-plane axis) repeated over the
/// input channels; <c>bn1</c> gamma/beta go to <c>bn0</c>; every conv of layer1–layer4 gets its 2D kernel with a trailing
/// singleton (3×3 → 3×3×1, 1×1 → 1×1×1), the shortcut conv <c>downsample.0</c> likewise, and BatchNorm gamma/beta are
/// copied, the shortcut's <c>downsample.1</c> going to <c>downsample.2</c> (AHNet puts a max-pool in between). Running
/// statistics are not copied, and keys the encoder has no place for (<c>fc.*</c>, blocks beyond the configured
/// <c>layers</c>) are not used.
/// </remarks>
public static partial class ResNet50Pretrained
{
    /// <summary>Where each transferred SegAhnet key comes from: (target, source) pairs for the keys of <paramref name="targetKeys"/> that receive ResNet weights.</summary>
    public static IReadOnlyList<(string Target, string Source)> Mapping(IEnumerable<string> targetKeys)
    {
        ArgumentNullException.ThrowIfNull(targetKeys);
        var pairs = new List<(string, string)>();
        foreach (var key in targetKeys)
        {
            if (key == "conv1.weight") pairs.Add((key, key));
            else if (key is "bn0.weight" or "bn0.bias") pairs.Add((key, "bn1." + key[4..]));
            else if (BlockParameter().IsMatch(key) || ShortcutConv().IsMatch(key)) pairs.Add((key, key));
            else if (ShortcutNorm().Match(key) is { Success: true } m) pairs.Add((key, $"{m.Groups[1].Value}.downsample.1.{m.Groups[2].Value}"));
        }
        return pairs;
    }

    /// <summary>Copies <paramref name="resnet"/> into the 3D <paramref name="model"/>; checks every key first and throws a <see cref="WeightMismatchException"/> listing all missing and wrongly shaped ones without changing anything.</summary>
    public static void CopyInto(nn.Module model, IReadOnlyDictionary<string, Tensor> resnet)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(resnet);
        var targets = model.state_dict();
        var pairs = Mapping(targets.Keys);
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (target, source) in pairs)
        {
            if (!resnet.TryGetValue(source, out var weights))
            {
                missing.Add(source);
                continue;
            }
            var expected = ExpectedSourceShape(target, targets[target].shape);
            if (!weights.shape.SequenceEqual(expected))
                mismatched.Add($"{source} (expected [{string.Join(", ", expected)}] for {target}, found [{string.Join(", ", weights.shape)}])");
        }
        if (missing.Count > 0 || mismatched.Count > 0)
            throw new WeightMismatchException(missing, [], mismatched);

        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (target, source) in pairs)
        {
            var destination = targets[target];
            var value = resnet[source].to(destination.dtype);
            if (target == "conv1.weight")
                // 64×3×7×7 → 64×3×7×7×1 → 64×1×7×7×3, then one copy per input channel (not rescaled, as MONAI).
                value = value.unsqueeze(4).permute(0, 4, 2, 3, 1).repeat(1, destination.shape[1], 1, 1, 1);
            else if (value.dim() == 4)
                value = value.unsqueeze(4);
            destination.copy_(value);
        }
    }

    private static long[] ExpectedSourceShape(string target, long[] targetShape)
    {
        if (target == "conv1.weight") return [targetShape[0], targetShape[4], targetShape[2], targetShape[3]];
        return targetShape.Length == 5 ? targetShape[..4] : targetShape;
    }

    [GeneratedRegex(@"^layer[1-4]\.\d+\.(conv[123]|bn[123])\.(weight|bias)$")]
    private static partial Regex BlockParameter();

    [GeneratedRegex(@"^layer[1-4]\.\d+\.downsample\.0\.weight$")]
    private static partial Regex ShortcutConv();

    [GeneratedRegex(@"^(layer[1-4]\.\d+)\.downsample\.2\.(weight|bias)$")]
    private static partial Regex ShortcutNorm();
}
