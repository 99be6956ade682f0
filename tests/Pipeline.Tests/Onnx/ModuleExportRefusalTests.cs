using NUnit.Framework;
using Pipeline.Networks.Export;
using Pipeline.Onnx;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>TorchSharp layers whose inference output ONNX cannot reproduce exactly are refused by name, not exported approximately.</summary>
public sealed class ModuleExportRefusalTests
{
    [TestCase("BatchNorm without running statistics", "running statistics")]
    [TestCase("MaxPool in ceil mode", "ceil_mode")]
    [TestCase("Upsample by a fraction", "whole scale factors")]
    [TestCase("Upsample to a size", "whole scale factors")]
    [TestCase("Bicubic upsampling", "Bicubic")]
    public void ALayerWithoutAnExactFormIsRefused(string layer, string reason)
    {
        // Built here, not in a test-case source: libtorch is loaded for tests, not for their discovery.
        using var module = layer switch
        {
            "BatchNorm without running statistics" => nn.BatchNorm3d(4, track_running_stats: false),
            "MaxPool in ceil mode" => nn.MaxPool3d([2, 2, 2], ceil_mode: true),
            "Upsample by a fraction" => nn.Upsample(scale_factor: [1.5, 1.5, 1.5], mode: UpsampleMode.Nearest),
            "Upsample to a size" => nn.Upsample(size: [8, 8], mode: UpsampleMode.Bilinear),
            _ => (nn.Module<Tensor, Tensor>)nn.Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Bicubic),
        };
        Assert.That(() => ModuleExport.Export(module, new OnnxGraphBuilder(), "image"),
            Throws.TypeOf<ExportNotSupportedException>().With.Message.Contain(reason));
    }
}
