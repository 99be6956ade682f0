using Pipeline.Native;
using Pipeline.Networks.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Networks.Models;

/// <summary>Builds SegAhnet's convolution, BatchNorm, pooling and upsampling layers for 2 or 3 spatial dims, initialised as MONAI's AHNet.</summary>
/// <remarks>
/// Shapes are written for 3D as (in-plane, in-plane, through-plane); the 2D network keeps the last two entries, as MONAI's
/// <c>(3, 3, 1)[-spatial_dims:]</c> does (a 2D AHNet treats its second axis as the through-plane one). Every conv and
/// transposed conv weight is drawn from N(0, sqrt(2 / (k0·k1·out_channels))) with torch's generator, and every BatchNorm
/// starts at weight 1 / bias 0, as MONAI's constructor does; biases (only the PSP layers have them) keep torch's default.
/// </remarks>
internal static class SegAhnetLayers
{
    /// <summary>The last <paramref name="dims"/> entries of a 3D (in-plane, in-plane, through-plane) triple.</summary>
    public static long[] Last(int dims, long a, long b, long c) => dims == 3 ? [a, b, c] : [b, c];

    /// <summary>The first <paramref name="dims"/> entries of a 3D triple (MONAI's <c>[:spatial_dims]</c> for the downsample shortcut).</summary>
    public static long[] First(int dims, long a, long b, long c) => dims == 3 ? [a, b, c] : [a, b];

    /// <summary>A convolution with MONAI's AHNet weight init.</summary>
    public static nn.Module<Tensor, Tensor> Conv(int dims, long inChannels, long outChannels, long[] kernel, long[]? stride = null,
        long[]? padding = null, bool bias = false)
    {
        var conv = new ConvolutionLayer(dims, inChannels, outChannels, kernel, stride, padding, bias: bias);
        InitWeight(conv.Weight, kernel, outChannels);
        return conv;
    }

    /// <summary>A transposed convolution with MONAI's AHNet weight init (bias, if any, keeps torch's default init).</summary>
    public static nn.Module<Tensor, Tensor> ConvTranspose(int dims, long inChannels, long outChannels, long[] kernel, long[] stride,
        long[]? padding = null, bool bias = false)
    {
        var conv = new ConvolutionLayer(dims, inChannels, outChannels, kernel, stride, padding, bias: bias, transposed: true);
        InitWeight(conv.Weight, kernel, outChannels);
        return conv;
    }

    /// <summary>BatchNorm starting at weight 1, bias 0, running mean 0 and variance 1.</summary>
    public static nn.Module<Tensor, Tensor> BatchNorm(int dims, long channels)
    {
        var bn = new BatchNormLayer(dims, channels);
        using (torch.no_grad())
        {
            bn.weight!.FillInPlace(1);
            bn.bias!.zero_();
        }
        return bn;
    }

    /// <summary>Max pooling.</summary>
    public static nn.Module<Tensor, Tensor> MaxPool(int dims, long[] kernel, long[] stride, long[]? padding = null) =>
        dims == 3 ? nn.MaxPool3d(kernel, stride, padding ?? new long[dims]) : nn.MaxPool2d(kernel, stride, padding ?? new long[dims]);

    /// <summary>The ×2 upsampling step of the decoder: a 2-wide stride-2 transposed conv without bias, or interpolation.</summary>
    /// <remarks>Linear interpolation uses align_corners true, nearest leaves it unset, as MONAI.</remarks>
    public static nn.Module<Tensor, Tensor> Upsample(int dims, long channels, SegAhnetUpsampling mode)
    {
        if (mode == SegAhnetUpsampling.Transpose)
            return ConvTranspose(dims, channels, channels, Enumerable.Repeat(2L, dims).ToArray(), Enumerable.Repeat(2L, dims).ToArray());
        var scale = Enumerable.Repeat(2.0, dims).ToArray();
        return mode == SegAhnetUpsampling.Linear
            ? nn.Upsample(scale_factor: scale, mode: dims == 3 ? UpsampleMode.Trilinear : UpsampleMode.Bilinear, align_corners: true)
            : nn.Upsample(scale_factor: scale, mode: UpsampleMode.Nearest);
    }

    private static void InitWeight(Tensor weight, long[] kernel, long outChannels)
    {
        // MONAI's n = kernel_size[0] * kernel_size[1] * out_channels, whatever the spatial rank.
        var n = kernel[0] * kernel[1] * outChannels;
        using var noGrad = torch.no_grad();
        nn.init.normal_(weight, 0, Math.Sqrt(2.0 / n));
    }
}
