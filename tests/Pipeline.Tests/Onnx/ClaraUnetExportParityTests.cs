using NUnit.Framework;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>Clara's Unet exported to ONNX gives our forward's output at two input sizes from one model (its spatial axes are dynamic).</summary>
public sealed class ClaraUnetExportParityTests
{
    private string _dir = "";

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("onnx-claraunet-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [TestCase("none", "softmax", 0.0)]
    [TestCase("batch", "sigmoid", 0.3)]
    [TestCase("group", "linear", 0.0)]
    public void MatchesOurForward(string norm, string activation, double dropout)
    {
        manual_seed(11);
        // Three levels and five decoder widths: two skip levels, two half-resolution convs, the input skip, one full-resolution conv.
        using var network = new ClaraUnet(numClasses: 3, nfEnc: [4, 8, 8], nfDec: [8, 8, 8, 8, 4], useBatchNorm: norm == "batch",
            useGroupNorm: norm == "group", groupNormGroups: 2, finalActivation: activation, inChannels: 2, dropoutProb: dropout);
        OnnxParity.RandomizeNorms(network);
        var contract = network.InputContract;
        Assert.That(contract.SupportsDynamicShape, Is.True);

        var path = OnnxParity.Export(network, OnnxParity.Spec("Unet", activation), contract, _dir);

        OnnxParity.AssertMatches(network, path, $"ClaraUnet {norm} {activation}", 2, [[16, 16, 16], [24, 8, 16]]);
        OnnxParity.AssertFloat16ArgmaxAgrees(network, OnnxParity.Spec("Unet", activation), contract, _dir, $"ClaraUnet {norm} {activation}", 2, [[16, 16, 16], [24, 8, 16]]);
    }
}
