using TorchSharp;
using static TorchSharp.torch;
using static Pipeline.Networks.Models.SegAhnetLayers;

namespace Pipeline.Networks.Models;

/// <summary>AHNet's decoder pieces that MONAI writes as named <c>nn.Sequential</c>s: DenseBlock, UpTransition, Projection and Final.</summary>
internal static class SegAhnetDecoderBlocks
{
    /// <summary>Dense layers per block, their growth and bottleneck factor (MONAI's fixed 3, 20, 4).</summary>
    public const int Layers = 3, Growth = 20, BottleneckFactor = 4;

    /// <summary>MONAI <c>DenseBlock</c>: <see cref="Layers"/> dense layers named denselayer1…; adds Layers·Growth channels.</summary>
    public static nn.Module<Tensor, Tensor> DenseBlock(int dims, long inChannels)
    {
        var block = nn.Sequential();
        for (var i = 0; i < Layers; i++)
            block.append($"denselayer{i + 1}", new SegAhnetDenseLayer(dims, inChannels + i * Growth, Growth, BottleneckFactor));
        return block;
    }

    /// <summary>MONAI <c>UpTransition</c>: norm → relu → 1×1×1 conv → up (×2).</summary>
    public static nn.Module<Tensor, Tensor> UpTransition(int dims, long inChannels, long outChannels, SegAhnetUpsampling mode) =>
        nn.Sequential(
            ("norm", BatchNorm(dims, inChannels)),
            ("relu", nn.ReLU()),
            ("conv", Conv(dims, inChannels, outChannels, Enumerable.Repeat(1L, dims).ToArray())),
            ("up", Upsample(dims, outChannels, mode)));

    /// <summary>MONAI <c>Projection</c>: norm → relu → 1×1×1 conv, at the same resolution.</summary>
    public static nn.Module<Tensor, Tensor> Projection(int dims, long inChannels, long outChannels) =>
        nn.Sequential(
            ("norm", BatchNorm(dims, inChannels)),
            ("relu", nn.ReLU()),
            ("conv", Conv(dims, inChannels, outChannels, Enumerable.Repeat(1L, dims).ToArray())));

    /// <summary>MONAI <c>Final</c>: norm → relu → 3×3×1 conv to the output channels → up (×2) to the input resolution.</summary>
    public static nn.Module<Tensor, Tensor> Final(int dims, long inChannels, long outChannels, SegAhnetUpsampling mode) =>
        nn.Sequential(
            ("norm", BatchNorm(dims, inChannels)),
            ("relu", nn.ReLU()),
            ("conv", Conv(dims, inChannels, outChannels, Last(dims, 3, 3, 1), padding: Last(dims, 1, 1, 0))),
            ("up", Upsample(dims, outChannels, mode)));
}
