using NUnit.Framework;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>UNet3D exported to ONNX gives our forward's output at two input sizes from one model (its spatial axes are dynamic).</summary>
public sealed class UNet3DExportParityTests
{
    private string _dir = "";

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("onnx-unet3d-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [TestCase(0.01)]
    [TestCase(0.2)]
    public void MatchesOurForward(double negativeSlope)
    {
        manual_seed(13);
        using var network = new UNet3D(numClasses: 3, inChannels: 2, filters: [4, 8, 16], negativeSlope: negativeSlope);
        OnnxParity.RandomizeNorms(network);
        var contract = network.InputContract;
        Assert.That(contract.SupportsDynamicShape, Is.True);

        var path = OnnxParity.Export(network, OnnxParity.Spec("UNet3D", "softmax"), contract, _dir);

        OnnxParity.AssertMatches(network, path, $"UNet3D slope {negativeSlope}", 2, [[8, 8, 8], [16, 8, 12]]);
        OnnxParity.AssertFloat16ArgmaxAgrees(network, OnnxParity.Spec("UNet3D", "softmax"), contract, _dir, $"UNet3D slope {negativeSlope}", 2, [[8, 8, 8], [16, 8, 12]]);
    }
}
