using NUnit.Framework;
using Pipeline.Networks.Models;
using Pipeline.Onnx;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>UNet2D exported to ONNX gives our forward's output at two input sizes from one model, in "same" and "valid" padding.</summary>
public sealed class UNet2DExportParityTests
{
    private string _dir = "";

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("onnx-unet2d-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [TestCase("same", false)]
    [TestCase("same", true)]
    [TestCase("valid", true)]
    public void MatchesOurForward(string padding, bool batchNorm)
    {
        manual_seed(17);
        using var network = new UNet2D(numClasses: 3, inChannels: 2, features: [4, 8, 16], padding: padding, useBatchNorm: batchNorm);
        OnnxParity.RandomizeNorms(network);
        var contract = network.InputContract;
        Assert.That(contract.SupportsDynamicShape, Is.True);

        var path = OnnxParity.Export(network, OnnxParity.Spec("UNet2D", "softmax"), contract, _dir);

        // Unpadded, three levels take 44 + 4k (44 → 4, 52 → 12, 60 → 20); padded, multiples of 4.
        int[][] sizes = padding == "valid" ? [[44, 44], [60, 52]] : [[16, 16], [24, 12]];
        OnnxParity.AssertMatches(network, path, $"UNet2D {padding} bn {batchNorm}", 2, sizes);
        OnnxParity.AssertFloat16ArgmaxAgrees(network, OnnxParity.Spec("UNet2D", "softmax"), contract, _dir, $"UNet2D {padding} bn {batchNorm}", 2, sizes);
    }

    [Test]
    public void AnUnpaddedModelDeclaresItsSmallerOutput()
    {
        using var network = new UNet2D(numClasses: 2, features: [4, 8, 16], padding: "valid");
        network.eval();
        var spec = OnnxParity.Spec("UNet2D", "softmax");

        var dynamic = OnnxExporter.Export(network, spec, network.InputContract, new OnnxExportOptions());
        var fixedShape = OnnxExporter.Export(network, spec, network.InputContract with { SupportsDynamicShape = false }, new OnnxExportOptions(SpatialShape: [44, 60]));

        Assert.That(OutputDims(dynamic), Is.EqualTo(new[] { "batch", "2", "output_spatial_0", "output_spatial_1" }));
        Assert.That(OutputDims(fixedShape), Is.EqualTo(new[] { "batch", "2", "4", "20" }));
    }

    private static IEnumerable<string> OutputDims(global::Onnx.ModelProto model) =>
        model.Graph.Output.Single().Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString());
}
