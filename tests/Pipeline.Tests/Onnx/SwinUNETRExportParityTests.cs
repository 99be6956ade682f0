using NUnit.Framework;
using Pipeline.Networks.Export;
using Pipeline.Networks.Models;
using Pipeline.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>
/// SwinUNETR exported to ONNX gives our forward's output. Its graph depends on the input size (window fitting, padding,
/// shift masks), so each size is exported as its own fixed-shape model.
/// </summary>
public sealed class SwinUNETRExportParityTests
{
    private string _dir = "";

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("onnx-swinunetr-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    // Window 3 pads stages to window multiples and shrinks the window on the smallest stage; window 4 leaves some stages
    // unshifted; the variants cover every merging order, v2's conv blocks, and normalize on and off.
    [TestCase(3, "merging", "monai15", false, true, "softmax")]
    [TestCase(4, "merging", "legacy", true, false, "sigmoid")]
    [TestCase(2, "mergingv2", "monai15", false, true, "linear")]
    public void MatchesOurForward(int window, string downsample, string order, bool useV2, bool normalize, string activation)
    {
        manual_seed(17);
        using var network = new SwinUNETR(outChannels: 3, inChannels: 2, featureSize: 12, depths: [2, 2, 2, 2], numHeads: [3, 3, 6, 6],
            windowSize: window, normalize: normalize, useV2: useV2, downsample: downsample, patchMergingOrder: order, finalActivation: activation);
        Randomize(network);
        var label = $"SwinUNETR window {window} {downsample} {order}{(useV2 ? " v2" : "")} {activation}";

        foreach (int[] size in new[] { new[] { 32, 32, 32 }, [64, 32, 32] })
        {
            var dir = Directory.CreateDirectory(Path.Combine(_dir, string.Join("x", size))).FullName;
            var path = OnnxParity.Export(network, OnnxParity.Spec("SwinUNETR", activation), network.InputContract, dir, size);
            OnnxParity.AssertMatches(network, path, label, 2, [size]);
            OnnxParity.AssertFloat16ArgmaxAgrees(network, OnnxParity.Spec("SwinUNETR", activation), network.InputContract, dir, label, 2, [size], size);
        }
    }

    [Test]
    public void RefusesToExportWithoutASize()
    {
        using var network = new SwinUNETR(outChannels: 2, featureSize: 12, depths: [1, 1, 1, 1], windowSize: 3);
        network.eval();

        Assert.That(() => OnnxExporter.Export(network, OnnxParity.Spec("SwinUNETR", "softmax"), network.InputContract, new OnnxExportOptions()),
            Throws.TypeOf<ExportNotSupportedException>().With.Message.Contains("one size"));
    }

    // Trained-looking parameters: affine LayerNorms and bias tables far from MONAI's near-zero start, so a misplaced
    // bias entry or norm shows in the output.
    private static void Randomize(SwinUNETR network)
    {
        OnnxParity.RandomizeNorms(network);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in network.named_parameters())
        {
            if (name.EndsWith("relative_position_bias_table", StringComparison.Ordinal)) parameter.copy_(randn_like(parameter));
        }
        foreach (var (_, module) in network.named_modules())
        {
            if (module is not LayerNorm norm) continue;
            norm.weight!.copy_(rand_like(norm.weight!) + 0.5);
            norm.bias!.copy_(randn_like(norm.bias!) * 0.5);
        }
    }
}
